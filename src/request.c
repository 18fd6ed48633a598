/* request.c - one request from start to callback: its id, its wait in the
 * client's queue, the pooled easy handle, body and header capture,
 * attempts and retries, cancellation, the client's counters of these
 * (anthropic_client_get_stats), and turning what came back into a result
 * or an error. The API calls that start requests are in the endpoints'
 * files (each reaches this one through its anth_endpoint_t). */
#include "client.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define ANTH_POOL_MAX 1024
#define ANTH_KEEP_BODY_CAP ((size_t)64 * 1024) /* larger are not pooled */

/* ---- capture ---- */

/* What on_header saw of the header block of the response that came last
 * (r->hdr), so that the response a callback is given asks libcurl (a walk
 * of every header a name) only for what came. */
enum {
  HDR_LIMIT = 1,         /* r->rl_limit holds the value */
  HDR_REMAINING = 2,     /* r->rl_remaining holds the value */
  HDR_LIMIT_ASK = 4,     /* came in a shape left to libcurl and header_int */
  HDR_REMAINING_ASK = 8, /* the same */
  HDR_RESET = 16,        /* anthropic-ratelimit-requests-reset came */
  HDR_RID = 32,          /* request-id came */
  HDR_PAST = 64,         /* past the block's blank line: trailers follow */
  HDR_ASK_ALL = 128      /* a folded line, or a proxy: ask libcurl for all */
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud) {
  anthropic_req_t *r = ud;
  size_t n = size * nmemb;
  if (n > r->client->max_body - r->body.len) {
    r->too_large = true; /* stop now, without buffering the rest */
    return 0;
  }
  r->hdr |= HDR_PAST; /* header lines from now on are trailers */
  if (anth__buf_append(&r->body, ptr, n) != 0) {
    r->nomem = true;
    return 0;
  }
  return n;
}

/* A header of the attempt's final response (not of a 1xx before it), as
 * libcurl keeps it, whole and trimmed, until the handle's next transfer;
 * NULL when absent or when no response came in. The first of repeated
 * ones. */
static const char *resp_header(const anthropic_req_t *r, const char *name) {
  struct curl_header *h = NULL;
  if (!r->has_response)
    return NULL;
  r->client->header_lookups++;
  if (curl_easy_header(r->easy, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
    return NULL;
  return h->value;
}

/* A decimal between blanks, read as header_int reads libcurl's trimmed
 * value; false for anything else (empty, a sign, too large, another
 * space): that is then left to libcurl and header_int. */
static bool plain_count(const char *v, const char *end, int64_t *out) {
  int64_t n = 0;
  while (v < end && (*v == ' ' || *v == '\t'))
    v++;
  const char *digits = v;
  for (; v < end && *v >= '0' && *v <= '9'; v++) {
    if (n > (INT64_MAX - 9) / 10)
      return false;
    n = n * 10 + (*v - '0');
  }
  if (v == digits)
    return false;
  for (; v < end; v++)
    if (*v != ' ' && *v != '\t' && *v != '\r' && *v != '\n')
      return false;
  *out = n;
  return true;
}

/* One header line as it arrives (curl's CURLOPT_HEADERFUNCTION): the
 * rate-limit counts are read here, the first of repeated ones, and which
 * of the other headers came is noted. A status line starts a response
 * over (a 1xx's headers are not the final one's). Only a hint for
 * libcurl's store, which stays the reference: whatever is not plain is
 * asked of it as before. */
static size_t on_header(char *p, size_t size, size_t nmemb, void *ud) {
  anthropic_req_t *r = ud;
  size_t n = size * nmemb;
  static const char rl[] = "anthropic-ratelimit-requests-";
  const size_t rln = sizeof rl - 1;
  if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
    r->hdr &= HDR_ASK_ALL;
    return n;
  }
  if (r->hdr & (HDR_PAST | HDR_ASK_ALL))
    return n;
  if (n == 0 || p[0] == '\r' || p[0] == '\n') {
    r->hdr |= HDR_PAST;
  } else if (p[0] == ' ' || p[0] == '\t') {
    r->hdr |= HDR_ASK_ALL; /* folded onto the line before */
  } else if ((p[0] | 0x20) == 'a' && n > rln && strncasecmp(p, rl, rln) == 0) {
    const char *name = p + rln, *end = p + n;
    if (end - name > 6 && strncasecmp(name, "limit:", 6) == 0) {
      if (!(r->hdr & (HDR_LIMIT | HDR_LIMIT_ASK)))
        r->hdr |= plain_count(name + 6, end, &r->rl_limit) ? HDR_LIMIT
                                                           : HDR_LIMIT_ASK;
    } else if (end - name > 10 && strncasecmp(name, "remaining:", 10) == 0) {
      if (!(r->hdr & (HDR_REMAINING | HDR_REMAINING_ASK)))
        r->hdr |= plain_count(name + 10, end, &r->rl_remaining)
                      ? HDR_REMAINING
                      : HDR_REMAINING_ASK;
    } else if (end - name > 6 && strncasecmp(name, "reset:", 6) == 0) {
      r->hdr |= HDR_RESET;
    }
  } else if ((p[0] | 0x20) == 'r' && n > 11 &&
             strncasecmp(p, "request-id:", 11) == 0) {
    r->hdr |= HDR_RID;
  }
  return n;
}

/* resp_header(), when the header came (or on_header cannot tell). */
static const char *resp_header_if(const anthropic_req_t *r, unsigned came,
                                  const char *name) {
  return (r->hdr & (came | HDR_ASK_ALL)) != 0 ? resp_header(r, name) : NULL;
}

/* curl is about to send the request, on a new or reused connection: once
 * per attempt, twice when curl resent it on another connection. */
static int on_prereq(void *ud, char *conn_primary_ip, char *conn_local_ip,
                     int conn_primary_port, int conn_local_port) {
  (void)conn_primary_ip;
  (void)conn_local_ip;
  (void)conn_primary_port;
  (void)conn_local_port;
  ((anthropic_req_t *)ud)->sends++;
  return CURL_PREREQFUNC_OK;
}

/* ---- pool ---- */

static void on_req_closed(anth_timer_t *t) {
  anth__free((anthropic_req_t *)t); /* timer is the first member */
}

static void req_destroy(anthropic_req_t *r) {
  if (r->easy != NULL)
    curl_easy_cleanup(r->easy);
  r->easy = NULL;
  anth__buf_free(&r->body);
  anth__buf_free(&r->send);
  anth__timer_close(&r->timer, on_req_closed);
}

static int easy_setup(anthropic_client_t *c, anthropic_req_t *r) {
  CURL *e = r->easy;
  CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                          \
  if (rc == CURLE_OK)                                                          \
  rc = curl_easy_setopt(e, opt, val)
  SET(CURLOPT_PRIVATE, (void *)r);
  SET(CURLOPT_NOSIGNAL, 1L); /* no sigaction() calls per request */
  if (c->share != NULL)
    SET(CURLOPT_SHARE, c->share); /* one TLS session cache a client */
  /* An API answer is about 1 KB; curl's default 16 KB receive buffer a
   * transfer was most of what 1,000 in flight cost (46 MB peak for 1,000
   * at once over HTTP/1.1, 38 MB with 4 KB). A long answer takes a few
   * more reads. */
  SET(CURLOPT_BUFFERSIZE, 4096L);
  SET(CURLOPT_WRITEFUNCTION, on_body);
  SET(CURLOPT_WRITEDATA, (void *)r);
  SET(CURLOPT_ERRORBUFFER, r->curl_err);
  SET(CURLOPT_PREREQFUNCTION, on_prereq);
  SET(CURLOPT_PREREQDATA, (void *)r);
  SET(CURLOPT_HEADERFUNCTION, on_header);
  SET(CURLOPT_HEADERDATA, (void *)r);
  SET(CURLOPT_CLOSESOCKETFUNCTION, anth__engine_closesocket);
  SET(CURLOPT_CLOSESOCKETDATA, (void *)c);
  SET(CURLOPT_HTTPHEADER, c->headers);
  SET(CURLOPT_PROTOCOLS_STR, "http,https");
  /* Wait to multiplex only where the answer comes at once: TLS says in its
   * handshake (ALPN) whether HTTP/2 is spoken. Over cleartext, curl only
   * learns it from the first response, so every other request would wait
   * for the first one however long it takes. */
  SET(CURLOPT_PIPEWAIT, c->multiplex_known_early ? 1L : 0L);
  SET(CURLOPT_HTTP_VERSION, c->http_version);
  SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_body);
  if (c->ca_bundle != NULL)
    SET(CURLOPT_CAINFO, c->ca_bundle);
  if (c->insecure) { /* only by the named flag; libcurl verifies otherwise */
    SET(CURLOPT_SSL_VERIFYPEER, 0L);
    SET(CURLOPT_SSL_VERIFYHOST, 0L);
  }
  /* Both always set, so that libcurl reads no environment variable per
   * transfer. NO_PROXY would let a host bypass the proxy the caller
   * chose: no exceptions then (c->no_proxy NULL). */
  SET(CURLOPT_PROXY, c->proxy);
  SET(CURLOPT_NOPROXY, c->no_proxy ? c->no_proxy : "");
#undef SET
  return rc == CURLE_OK ? 0 : ANTHROPIC_ENOMEM;
}

static anthropic_req_t *req_get(anthropic_client_t *c) {
  anthropic_req_t *r = c->pool;
  if (r != NULL) {
    c->pool = r->next;
    c->pool_count--;
  } else {
    r = anth__calloc(1, sizeof *r);
    if (r == NULL)
      return NULL;
    r->client = c;
    anth__timer_init(c, &r->timer);
    r->easy = curl_easy_init();
    if (r->easy == NULL || easy_setup(c, r) != 0) {
      req_destroy(r);
      return NULL;
    }
  }
  r->prev = r->next = r->qnext = NULL;
  r->slot = ANTH_NO_SLOT;
  r->attempts = 0;
  r->cancel_asked = false;
  return r;
}

static void free_retry_header(anthropic_req_t *r) {
  if (r->retry_header != NULL) {
    r->retry_header->next = NULL; /* the rest is the client's */
    curl_slist_free_all(r->retry_header);
    r->retry_header = NULL;
  }
}

/* ---- the log ---- */

bool anth__log_on(const anthropic_client_t *c, anthropic_log_level_t level) {
  return c->log_level > ANTHROPIC_LOG_OFF && level <= c->log_level;
}

void anth__log(anthropic_client_t *c, anthropic_log_level_t level,
               const char *fmt, ...) {
  char line[640];
  va_list ap;
  if (!anth__log_on(c, level))
    return;
  va_start(ap, fmt);
  (void)vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  anth__printable_ascii(line);
  if (c->log_cb != NULL)
    c->log_cb(c->log_data, level, line);
  else
    (void)fprintf(stderr, "anthropic: %s: %s\n",
                  anth__log_level_name((int)level), line);
}

int anthropic_client_get_stats(const anthropic_client_t *c,
                               anthropic_client_stats_t *stats) {
  if (c == NULL || stats == NULL)
    return ANTHROPIC_EINVAL;
  anthropic_client_stats_t st = c->stats;
  st.size = sizeof st;
  st.in_flight = c->active_count;
  st.queued = c->queue_count;
  return anth__opts_give(stats, &st, sizeof st);
}

/* The attempt's URL as a log line may show it. */
static void attempt_url(const anthropic_req_t *r, char *out, size_t cap) {
  char *url = NULL;
  curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &url);
  anth__redact_url(url ? url : "?", out, cap);
}

/* ---- the client's last error ---- */

void anth__set_last_error(anthropic_client_t *c, anthropic_errkind_t kind,
                          const char *msg) {
  /* A copy, cut to fit, and no formatting: every call that starts a
   * request clears it (msg ""). */
  size_t n = strnlen(msg, sizeof c->last_msg - 1);
  memmove(c->last_msg, msg, n);
  c->last_msg[n] = '\0';
  c->last_response.status = 0;
  c->last_response.request_id = NULL;
  anthropic_error_t e = {kind, NULL, c->last_msg, 0, &c->last_response};
  c->last_error = e;
}

const anthropic_error_t *
anthropic_client_last_error(const anthropic_client_t *c) {
  return c ? &c->last_error : NULL;
}

/* ---- ids: a table of {generation, request} entries ---- */

static anthropic_request_id_t slot_id(const anthropic_client_t *c, uint32_t i) {
  return ((uint64_t)c->slots[i].gen << 32) | i;
}

/* A free entry of the table, grown when full: 0, or ANTHROPIC_ENOMEM. */
static int slot_take(anthropic_client_t *c, uint32_t *out) {
  if (c->slot_free == ANTH_NO_SLOT) {
    if (c->slot_count == c->slot_cap) {
      uint32_t cap = c->slot_cap ? c->slot_cap * 2 : 64;
      if (cap <= c->slot_cap || cap >= ANTH_NO_SLOT)
        return ANTHROPIC_ENOMEM; /* 2^31 requests at once */
      anth_slot_t *t = anth__realloc(c->slots, cap * sizeof *t);
      if (t == NULL)
        return ANTHROPIC_ENOMEM;
      c->slots = t;
      c->slot_cap = cap;
    }
    anth_slot_t *s = &c->slots[c->slot_count];
    s->gen = 1;
    s->next_free = ANTH_NO_SLOT;
    c->slot_free = c->slot_count++;
  }
  uint32_t i = c->slot_free;
  c->slot_free = c->slots[i].next_free;
  c->slots[i].next_free = ANTH_NO_SLOT; /* live, not an ext */
  c->slots[i].req = NULL;
  c->slots[i].job = NULL;
  *out = i;
  return 0;
}

/* The request's callback has run: its id now names nothing, for good. */
static void slot_release(anthropic_client_t *c, uint32_t i) {
  anth_slot_t *s = &c->slots[i];
  if (++s->gen == 0)
    s->gen = 1; /* 0 would make the id of a live request 0-tagged */
  s->req = NULL;
  s->job = NULL;
  s->next_free = c->slot_free;
  c->slot_free = i;
}

static void req_put(anthropic_client_t *c, anthropic_req_t *r) {
  if (r->slot != ANTH_NO_SLOT)
    slot_release(c, r->slot);
  r->slot = ANTH_NO_SLOT;
  r->state = REQ_IDLE;
  r->method = NULL;
  anth__buf_free(&r->send);
  r->cb = NULL;
  r->data = NULL;
  if (r->ep_state != NULL)
    r->ep->free_state(r->ep_state);
  r->ep_state = NULL;
  free_retry_header(r);
  curl_slist_free_all(r->own_headers);
  r->own_headers = NULL;
  if (c->pool_count >= ANTH_POOL_MAX || c->torn_down) {
    req_destroy(r);
    return;
  }
  if (r->body.cap > ANTH_KEEP_BODY_CAP)
    anth__buf_free(&r->body);
  r->next = c->pool;
  c->pool = r;
  c->pool_count++;
}

void anth__req_pool_free(anthropic_client_t *c) {
  while (c->pool != NULL) {
    anthropic_req_t *r = c->pool;
    c->pool = r->next;
    req_destroy(r);
  }
  c->pool_count = 0;
}

static void active_link(anthropic_client_t *c, anthropic_req_t *r) {
  r->prev = NULL;
  r->next = c->active;
  if (c->active)
    c->active->prev = r;
  c->active = r;
  if (++c->active_count > c->active_peak)
    c->active_peak = c->active_count;
}

static void active_unlink(anthropic_client_t *c, anthropic_req_t *r) {
  if (r->prev)
    r->prev->next = r->next;
  else
    c->active = r->next;
  if (r->next)
    r->next->prev = r->prev;
  r->prev = r->next = NULL;
  c->active_count--;
}

/* ---- outcomes ---- */

anthropic_errkind_t anth__errkind_from_curl(CURLcode code) {
  switch (code) {
  case CURLE_OK:
    return ANTHROPIC_OK;
  case CURLE_OPERATION_TIMEDOUT:
    return ANTHROPIC_ETIMEDOUT;
  /* The scheme was checked at init and redirects are not followed, so at
   * transfer time this is curl refusing the server's reply (a status line
   * like "HTTP/1.1 000", HTTP/0.9, a bad Content-Length): the server's
   * fault, a connection that did not carry HTTP, retried as the SDKs
   * retry it. */
  case CURLE_UNSUPPORTED_PROTOCOL:
  case CURLE_WEIRD_SERVER_REPLY:
    return ANTHROPIC_ECONNECTION;
  case CURLE_OUT_OF_MEMORY:
    return ANTHROPIC_ENOMEM;
  case CURLE_FILESIZE_EXCEEDED:
    return ANTHROPIC_ETOOLARGE;
  case CURLE_URL_MALFORMAT:
  case CURLE_BAD_FUNCTION_ARGUMENT:
    return ANTHROPIC_EINVAL;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_SSL_ENGINE_NOTFOUND:
  case CURLE_SSL_ENGINE_SETFAILED:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_ENGINE_INITFAILED:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_SHUTDOWN_FAILED:
  case CURLE_SSL_CRL_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_CLIENTCERT:
  case CURLE_USE_SSL_FAILED:
    return ANTHROPIC_ETLS;
  default:
    /* Resolve, connect, send, receive, reset, HTTP/2 framing, partial
     * bodies: the network failed us. */
    return ANTHROPIC_ECONNECTION;
  }
}

/* ---- delivering results ---- */

/* A non-negative decimal header value, or -1 (absent included). */
static int64_t header_int(const char *v) {
  int64_t n = 0;
  if (v == NULL || *v == '\0')
    return -1;
  for (; *v; v++) {
    if (*v < '0' || *v > '9' || n > (INT64_MAX - 9) / 10)
      return -1;
    n = n * 10 + (*v - '0');
  }
  return n;
}

/* A rate-limit count: read by on_header, else libcurl's value read. */
static int64_t resp_count(const anthropic_req_t *r, unsigned have, unsigned ask,
                          int64_t value, const char *name) {
  if (!r->has_response)
    return -1;
  if ((r->hdr & have) && !(r->hdr & HDR_ASK_ALL))
    return value;
  return header_int(resp_header_if(r, ask, name));
}

anthropic_response_t anth__req_response(const anthropic_req_t *r, long status,
                                        const char *request_id) {
  anthropic_response_t resp = {
      status, request_id,
      resp_count(r, HDR_LIMIT, HDR_LIMIT_ASK, r->rl_limit,
                 "anthropic-ratelimit-requests-limit"),
      resp_count(r, HDR_REMAINING, HDR_REMAINING_ASK, r->rl_remaining,
                 "anthropic-ratelimit-requests-remaining"),
      resp_header_if(r, HDR_RESET, "anthropic-ratelimit-requests-reset")};
  return resp;
}

/* A request's callback is about to run with `kind` (0: success). */
static void count_finished(anthropic_client_t *c, anthropic_errkind_t kind) {
  c->stats.requests_finished++;
  if (kind == ANTHROPIC_ECANCELLED)
    c->stats.cancelled++;
}

/* A failed attempt, by class: the HTTP status's, or the transport's. */
static void count_failed_attempt(anthropic_client_t *c,
                                 anthropic_errkind_t kind, long status) {
  anthropic_client_stats_t *st = &c->stats;
  if (kind == ANTHROPIC_EHTTP && status == 429)
    st->http_429++;
  else if (kind == ANTHROPIC_EHTTP && status >= 500)
    st->http_5xx++;
  else if (kind == ANTHROPIC_EHTTP && status >= 400) {
    st->http_4xx++;
    st->http_404 += status == 404;
  } else if (kind == ANTHROPIC_ETIMEDOUT)
    st->timeouts++;
  else if (kind == ANTHROPIC_ECONNECTION || kind == ANTHROPIC_ETLS)
    st->connection_errors++;
}

static void deliver_error(anthropic_req_t *r, anthropic_errkind_t kind,
                          long status, const char *type, const char *message,
                          const char *request_id) {
  char msg[ANTH_ERRMSG_MAX + 32];
  anthropic_response_t resp = anth__req_response(r, status, request_id);
  if (message == NULL)
    message = anthropic_strerror(kind);
  if (r->attempts > 1) {
    anth__errf(msg, sizeof msg, "%s (after %d attempts)", message, r->attempts);
    message = msg;
  }
  anthropic_error_t err = {kind, type, message, r->attempts, &resp};
  r->state = REQ_CALLBACK; /* from here a cancel is refused: it is over */
  count_finished(r->client, kind);
  if (kind == ANTHROPIC_ENOMEM)
    anth__log(r->client, ANTHROPIC_LOG_ERROR, "a request failed: %s", message);
  r->ep->fail(r->cb, r->ep_state, r->data, &err);
}

/* One debug line per finished attempt. */
static const char *method_of(const anthropic_req_t *r) {
  return r->method != NULL ? r->method : "GET";
}

static void log_attempt(anthropic_client_t *c, anthropic_req_t *r,
                        CURLcode code, long status, const char *rid) {
  char url[400];
  if (!anth__log_on(c, ANTHROPIC_LOG_DEBUG))
    return;
  double ms = (double)(anth__clock_ns() - r->started_ns) / 1e6;
  attempt_url(r, url, sizeof url);
  if (code != CURLE_OK)
    anth__log(c, ANTHROPIC_LOG_DEBUG,
              "%s %s -> error: %s (%.1f ms, attempt %d)", method_of(r), url,
              r->curl_err[0] ? r->curl_err : curl_easy_strerror(code), ms,
              r->attempts);
  else
    anth__log(c, ANTHROPIC_LOG_DEBUG,
              "%s %s -> %ld (%.1f ms, attempt %d) request-id=%s", method_of(r),
              url, status, ms, r->attempts, rid ? rid : "-");
}

/* Why an attempt failed, in a few words, for the retry and give-up lines:
 * "HTTP 529", "timeout", "connection: <curl's words>". */
static void failure_reason(const anthropic_req_t *r, anthropic_errkind_t kind,
                           long status, const char *text, char *out,
                           size_t cap) {
  if (kind == ANTHROPIC_EHTTP)
    anth__errf(out, cap, "HTTP %ld%s", status,
               resp_header(r, "x-should-retry") ? " (x-should-retry)" : "");
  else
    anth__errf(out, cap, "%s: %s", anthropic_err_name(kind),
               text ? text : anthropic_strerror(kind));
}

static void finish_http_error(anthropic_req_t *r, long status,
                              const char *request_id) {
  cJSON *root = NULL;
  const char *type, *message, *body_rid;
  char msg[ANTH_ERRMSG_MAX] = "";
  (void)anth__parse_error_body(r->body.data, r->body.len, &root, &type,
                               &message, &body_rid);
  if (message == NULL) {
    /* HTML from a proxy, or nothing at all: the status still says it. */
    anth__errf(msg, sizeof msg, "HTTP %ld %s", status,
               anth__http_reason(status));
    message = msg;
  }
  deliver_error(r, ANTHROPIC_EHTTP, status, type, message,
                request_id ? request_id : body_rid);
  cJSON_Delete(root);
}

/* ---- attempts ---- */

static void on_retry_timer(anth_timer_t *t);
static void on_watchdog(anth_timer_t *t);
static void queue_pump(anthropic_client_t *c);

/* Grace after the attempt's timeout before we stop waiting for curl. */
#define ANTH_WATCHDOG_GRACE_MS 1000

/* libcurl resends a request that a reused connection lost before any
 * answer, but 7.88 allows that 5 times in the life of an easy handle (only
 * curl_easy_reset() forgets): a pooled handle would soon lose it. A handle
 * that resent is swapped for a copy with the same options, which counts
 * afresh. Without memory for the copy, the old one stays. */
static void renew_easy(anthropic_req_t *r) {
  CURL *e = curl_easy_duphandle(r->easy);
  if (e == NULL)
    return;
  curl_easy_cleanup(r->easy);
  r->easy = e;
}

/* Start (or start again) the transfer of `r`: 0, or ANTHROPIC_ENOMEM. */
int anth__req_attempt(anthropic_client_t *c, anthropic_req_t *r) {
  if (r->sends > 1) /* however the last transfer ended, cancelled too */
    renew_easy(r);
  r->sends = 0;
  r->body.len = 0;
  r->too_large = r->nomem = false;
  r->has_response = false;
  /* Through a proxy, its CONNECT answer's headers come to on_header too:
   * libcurl, which tells them apart, is asked for everything then. */
  r->hdr = c->proxy != NULL && c->proxy[0] != '\0' ? HDR_ASK_ALL : 0;
  r->curl_err[0] = '\0';
  free_retry_header(r);
  struct curl_slist *headers = c->headers; /* retry count 0 + the client's */
  if (r->attempts > 0 || r->own_headers != NULL) {
    /* x-stainless-retry-count: N, ahead of a list built before. */
    char line[48];
    anth__errf(line, sizeof line, "x-stainless-retry-count: %d", r->attempts);
    if ((r->retry_header = curl_slist_append(NULL, line)) == NULL)
      return ANTHROPIC_ENOMEM;
    r->retry_header->next = r->own_headers ? r->own_headers : c->headers_base;
    headers = r->retry_header;
  }
  if (curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, headers) != CURLE_OK)
    return ANTHROPIC_ENOMEM;
  r->started_ns = anth__clock_ns();
  r->alloc_failures = anth__alloc_failures;
  if (curl_multi_add_handle(c->multi, r->easy) != CURLM_OK)
    return ANTHROPIC_ENOMEM;
  r->state = REQ_ACTIVE;
  /* curl enforces the timeout itself; this is for the transfer it never
   * reports done (libcurl 7.88 can lose one after an allocation failure):
   * no request may wait forever. */
  anth__timer_start(&r->timer, (uint64_t)r->timeout_ms + ANTH_WATCHDOG_GRACE_MS,
                    on_watchdog);
  return 0;
}

static double next_random(anthropic_client_t *c) {
  uint64_t x = c->rng; /* xorshift64: jitter needs no more */
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  c->rng = x;
  return (double)(x >> 11) / 9007199254740992.0;
}

/* The log line of a retry or a give-up ran with the request still ending:
 * a cancel from it (or the client's close) ends it as cancelled. */
static bool cancelled_by_log(anthropic_client_t *c, anthropic_req_t *r) {
  if (!r->cancel_asked)
    return false;
  anth__req_fail(c, r, ANTHROPIC_ECANCELLED, 0,
                 c->closing ? "client closed" : "request cancelled", NULL);
  return true;
}

/* If the failed attempt of `r` is worth another, schedule it and say so
 * (true also when a log callback cancelled it: it is over then). */
static bool maybe_retry(anthropic_client_t *c, anthropic_req_t *r,
                        anthropic_errkind_t kind, long status,
                        const char *text) {
  char why[256], url[400];
  if (c->closing ||
      !anth__retry_should(resp_header(r, "x-should-retry"), status, kind))
    return false;
  if (r->attempts > r->max_retries) {
    if (anth__log_on(c, ANTHROPIC_LOG_WARN)) {
      failure_reason(r, kind, status, text, why, sizeof why);
      attempt_url(r, url, sizeof url);
      anth__log(c, ANTHROPIC_LOG_WARN,
                "%s %s: giving up after %d attempt%s (max_retries %d): %s",
                method_of(r), url, r->attempts, r->attempts == 1 ? "" : "s",
                r->max_retries, why);
    }
    if (cancelled_by_log(c, r))
      return true;
    c->stats.giveups++;
    return false;
  }
  int64_t asked =
      anth__retry_after_ms(resp_header(r, "retry-after-ms"),
                           resp_header(r, "retry-after"), anth__unix_now_ms());
  uint64_t delay = anth__retry_delay_ms(asked, c->retry_after_cap_ms,
                                        r->attempts - 1, next_random(c));
  if (anth__log_on(c, ANTHROPIC_LOG_INFO)) {
    failure_reason(r, kind, status, text, why, sizeof why);
    attempt_url(r, url, sizeof url);
    anth__log(c, ANTHROPIC_LOG_INFO,
              "%s %s: retrying in %llu ms (retry %d of %d, %s): %s",
              method_of(r), url, (unsigned long long)delay, r->attempts,
              r->max_retries,
              asked >= 0 && (uint64_t)asked == delay ? "as the server asked"
                                                     : "backoff",
              why);
    if (cancelled_by_log(c, r))
      return true;
  }
  r->state = REQ_WAITING;
  c->stats.retries++;
  anth__timer_start(&r->timer, delay, on_retry_timer);
  return true;
}

void anth__req_detach(anthropic_client_t *c, anthropic_req_t *r) {
  active_unlink(c, r);
  r->state = REQ_CALLBACK;
  count_finished(c, ANTHROPIC_OK); /* its callback runs next, with a result */
}

/* The request's result has been handed over: recycle it. */
static void req_end(anthropic_client_t *c, anthropic_req_t *r) {
  req_put(c, r);
  queue_pump(c);
}

/* The request leaves the in-flight list for good with an error: deliver
 * it and recycle. */
void anth__req_fail(anthropic_client_t *c, anthropic_req_t *r,
                    anthropic_errkind_t kind, long status, const char *msg,
                    const char *rid) {
  active_unlink(c, r);
  if (kind == ANTHROPIC_EHTTP)
    finish_http_error(r, status, rid);
  else
    deliver_error(r, kind, status, NULL, msg, rid);
  req_end(c, r);
}

/* A 2xx answer: the endpoint parses it and hands it over, or asks again. */
static void req_body(anthropic_client_t *c, anthropic_req_t *r, long status,
                     const char *rid) {
  char msg[ANTH_ERRMSG_MAX] = "";
  int rc = r->ep->body(c, r, status, rid, msg, sizeof msg);
  if (rc == 0)
    req_end(c, r);
  else if (rc < 0)
    anth__req_fail(c, r, (anthropic_errkind_t)rc, status, msg, rid);
}

static void on_watchdog(anth_timer_t *t) {
  anth__req_done((anthropic_req_t *)t, CURLE_OPERATION_TIMEDOUT);
}

/* Take the transfer of `r` out of curl. That fails only for a handle curl
 * does not hold, or a call from inside one of curl's callbacks, and this
 * file makes neither: logged, should it ever happen. */
static void transfer_out(anthropic_client_t *c, anthropic_req_t *r) {
  CURLMcode mc = curl_multi_remove_handle(c->multi, r->easy);
  if (mc != CURLM_OK)
    anth__log(c, ANTHROPIC_LOG_ERROR, "curl_multi_remove_handle: %s",
              curl_multi_strerror(mc));
}

static void on_engine_failed(anth_timer_t *t) {
  anthropic_req_t *r = (anthropic_req_t *)t;
  anth__req_done(r, r->engine_code);
}

/* End the transfer of `r` with `code` from the loop: the zero timer
 * replaces the watchdog, and no curl call is made here. */
static void end_from_loop(anthropic_req_t *r, CURLcode code) {
  r->engine_code = code;
  anth__timer_start(&r->timer, 0, on_engine_failed);
}

void anth__req_watch_failed(anthropic_req_t *r) {
  if (r->state == REQ_ACTIVE)
    end_from_loop(r, CURLE_OUT_OF_MEMORY);
}

void anth__req_multi_failed(anthropic_client_t *c, CURLMcode code) {
  /* Out of memory, as good as always (out_of_memory); any other failure
   * of the multi handle ends them as a connection error would. */
  CURLcode as =
      code == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_FAILED_INIT;
  for (anthropic_req_t *r = c->active; r != NULL; r = r->next) {
    if (r->state != REQ_ACTIVE)
      continue;
    anth__errf(r->curl_err, sizeof r->curl_err,
               "libcurl failed (%s), ending every transfer in flight",
               curl_multi_strerror(code));
    end_from_loop(r, as);
  }
}

static void on_retry_timer(anth_timer_t *t) {
  anthropic_req_t *r = (anthropic_req_t *)t; /* timer is the first member */
  anthropic_client_t *c = r->client;
  if (anth__req_attempt(c, r) != 0)
    anth__req_fail(c, r, ANTHROPIC_ENOMEM, 0, "out of memory starting a retry",
                   NULL);
}

/* A transfer curl reports done. Called from the engine's drain loop, never
 * from inside a curl callback. */
void anth__req_done(anthropic_req_t *r, CURLcode code) {
  anthropic_client_t *c = r->client;
  long status = 0;
  curl_off_t expected = -1;
  char msg[ANTH_ERRMSG_MAX] = "";
  anthropic_errkind_t kind = ANTHROPIC_OK;
  const char *text = NULL;

  anth__timer_stop(&r->timer);
  transfer_out(c, r);
  r->attempts++;
  c->stats.attempts++;
  curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected);
  r->has_response = status != 0;
  const char *rid = resp_header_if(r, HDR_RID, "request-id");
  /* The log callback may cancel this request or close the client: the
   * request is out of curl and still on the in-flight list, and a cancel
   * now only marks it. Nothing of this attempt is decided yet, so it ends
   * as cancelled, like a cancel a moment earlier would have. */
  r->state = REQ_ENDING;
  log_attempt(c, r, code, status, rid);
  if (r->cancel_asked) {
    anth__req_fail(c, r, ANTHROPIC_ECANCELLED, 0,
                   c->closing ? "client closed" : "request cancelled", NULL);
    return;
  }

  if (r->too_large || code == CURLE_FILESIZE_EXCEEDED) {
    anth__errf(msg, sizeof msg, "response body exceeds the %zu-byte limit",
               c->max_body);
    kind = ANTHROPIC_ETOOLARGE;
    text = msg;
  } else if (r->nomem) {
    kind = ANTHROPIC_ENOMEM;
  } else if (code == CURLE_OUT_OF_MEMORY && status != 0 &&
             anth__alloc_failures == r->alloc_failures) {
    /* libcurl 7.88 says "out of memory" for a response header line over
     * its 100 KB limit. No allocation of ours failed and a status line came
     * in: the server sent what no HTTP client takes. (When libcurl does
     * not use this library's allocator, a real failure of its own after the
     * status line would be taken for this too, and retried.) */
    kind = ANTHROPIC_ECONNECTION;
    text = "the server's response headers are not valid HTTP (a header line "
           "over libcurl's 100 KB limit)";
  } else if (code != CURLE_OK) {
    kind = anth__errkind_from_curl(code);
    text = r->curl_err[0] ? r->curl_err : curl_easy_strerror(code);
    if (code == CURLE_UNSUPPORTED_PROTOCOL ||
        code == CURLE_WEIRD_SERVER_REPLY) {
      anth__errf(msg, sizeof msg, "the server's reply is not valid HTTP: %s",
                 text);
      text = msg;
    }
  } else if (expected >= 0 && (curl_off_t)r->body.len != expected) {
    /* curl 7.88 can report an aborted HTTP/2 stream as complete: never
     * trust a body shorter (or longer) than its Content-Length. */
    anth__errf(msg, sizeof msg,
               "response body incomplete: %zu of %" CURL_FORMAT_CURL_OFF_T
               " bytes",
               r->body.len, expected);
    kind = ANTHROPIC_ECONNECTION;
    text = msg;
  } else if ((status < 200 || status > 299) &&
             !(status == 304 && r->ep->not_modified)) {
    kind = ANTHROPIC_EHTTP;
  } else if (status == 304) {
    /* Not Modified, to a conditional request: no body to check. */
  } else if (expected < 0 && r->ep->whole != NULL &&
             !r->ep->whole(r->body.data, r->body.len, msg, sizeof msg)) {
    /* No Content-Length to check: the endpoint knows a body of its own
     * that ends early. libcurl 7.88 takes an HTTP/2 stream reset with
     * NO_ERROR before END_STREAM for a clean end, and gives no sign of it
     * (later ones report it). */
    kind = ANTHROPIC_ECONNECTION;
    text = msg;
  }
  count_failed_attempt(c, kind, status);
  if (kind != ANTHROPIC_OK && maybe_retry(c, r, kind, status, text))
    return;
  if (kind == ANTHROPIC_OK)
    req_body(c, r, status, rid);
  else
    anth__req_fail(c, r, kind, status, text, rid);
}

/* The callback of a request that ended before it started: no attempt, no
 * response. */
static void deliver_job(anthropic_client_t *c, const anth_job_t *j) {
  anthropic_response_t resp = {0, NULL, -1, -1, NULL};
  const char *message =
      j->deferred_msg ? j->deferred_msg : anthropic_strerror(j->deferred_kind);
  anthropic_error_t err = {j->deferred_kind, NULL, message, 0, &resp};
  count_finished(c, j->deferred_kind);
  j->ep->fail(j->cb, j->own != NULL ? j->own->state : NULL, j->data, &err);
}

/* Requests that ended without a transfer result (cancelled, closed, or
 * queued ones that could not start): their callbacks run here, from the
 * loop. Only the ones queued before this turn run now, so a callback that
 * queues more cannot keep us here. */
void anth__req_run_deferred(anthropic_client_t *c) {
  anthropic_req_t *r = c->deferred_head;
  anth_job_t *j = c->jobs_due_head;
  c->deferred_head = c->deferred_tail = NULL;
  c->jobs_due_head = c->jobs_due_tail = NULL;
  while (r != NULL) {
    anthropic_req_t *next = r->qnext;
    r->qnext = NULL;
    deliver_error(r, r->deferred_kind, 0, NULL, r->deferred_msg, NULL);
    req_put(c, r);
    r = next;
  }
  while (j != NULL) {
    anth_job_t *next = j->next;
    deliver_job(c, j);
    slot_release(c, j->slot);
    anth__job_free(j);
    j = next;
  }
  queue_pump(c);
}

bool anth__req_deferred_pending(const anthropic_client_t *c) {
  return c->deferred_head != NULL || c->jobs_due_head != NULL;
}

static void defer(anthropic_req_t *r, anthropic_errkind_t kind,
                  const char *msg) {
  anthropic_client_t *c = r->client;
  r->state = REQ_DEFERRED;
  r->deferred_kind = kind;
  r->deferred_msg = msg;
  r->qnext = NULL;
  if (c->deferred_tail)
    c->deferred_tail->qnext = r;
  else
    c->deferred_head = r;
  c->deferred_tail = r;
  anth__engine_defer(c);
}

static void cancel(anthropic_req_t *r, const char *why) {
  anth__timer_stop(&r->timer); /* the watchdog, or the wait to retry */
  if (r->state == REQ_ACTIVE)
    transfer_out(r->client, r);
  active_unlink(r->client, r);
  defer(r, ANTHROPIC_ECANCELLED, why);
  queue_pump(r->client); /* its place in flight is free */
}

/* ---- the queue: requests past max_in_flight wait here, in order ---- */

static void queue_unlink(anthropic_client_t *c, anth_job_t *j) {
  if (j->prev)
    j->prev->next = j->next;
  else
    c->queue_head = j->next;
  if (j->next)
    j->next->prev = j->prev;
  else
    c->queue_tail = j->prev;
  j->prev = j->next = NULL;
  c->queue_count--;
}

static void queue_push(anthropic_client_t *c, anth_job_t *j) {
  j->next = NULL;
  j->prev = c->queue_tail;
  if (c->queue_tail)
    c->queue_tail->next = j;
  else
    c->queue_head = j;
  c->queue_tail = j;
  c->queue_count++;
}

/* End a job that never started: its callback runs from the loop. */
static void job_defer(anthropic_client_t *c, anth_job_t *j,
                      anthropic_errkind_t kind, const char *msg) {
  j->due = true;
  j->deferred_kind = kind;
  j->deferred_msg = msg;
  j->prev = NULL;
  j->next = NULL;
  if (c->jobs_due_tail)
    c->jobs_due_tail->next = j;
  else
    c->jobs_due_head = j;
  c->jobs_due_tail = j;
  anth__engine_defer(c);
}

/* The easy handle's method and body as the request's. A handle that
 * served another method is first set back to a plain GET; then a body
 * (kept by the request, so each attempt sends it again: not copied) and
 * the method, unless POST, which the body says. A GET on a handle that
 * only ever served GETs makes no call. */
static CURLcode easy_method(anthropic_req_t *r) {
  CURL *e = r->easy;
  CURLcode rc = CURLE_OK;
  if (r->easy_custom) {
    /* POSTFIELDS NULL makes it a POST again: HTTPGET comes last. */
    rc = curl_easy_setopt(e, CURLOPT_POSTFIELDS, (char *)NULL);
    if (rc == CURLE_OK)
      rc = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-1);
    if (rc == CURLE_OK)
      rc = curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, (char *)NULL);
    if (rc == CURLE_OK)
      rc = curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    r->easy_custom = rc != CURLE_OK;
  }
  if (rc != CURLE_OK || r->method == NULL)
    return rc;
  r->easy_custom = true; /* even half set: set back next time */
  bool post = strcmp(r->method, "POST") == 0;
  if (r->send.data != NULL || post) { /* a POST always has one, maybe "" */
    rc = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                          (curl_off_t)r->send.len);
    if (rc == CURLE_OK)
      rc = curl_easy_setopt(e, CURLOPT_POSTFIELDS,
                            r->send.data != NULL ? r->send.data : "");
  }
  if (rc == CURLE_OK && !post)
    rc = curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
  return rc;
}

/* Hand a job to curl at `url`: a pooled request takes its settings over
 * (the job keeps its callbacks, for an error). 0, or ANTHROPIC_ENOMEM. */
static int job_start(anthropic_client_t *c, anth_job_t *j, const char *url) {
  anthropic_req_t *r = req_get(c);
  if (r == NULL)
    return ANTHROPIC_ENOMEM;
  anth_job_own_t *own = j->own;
  long connect_timeout_ms = c->connect_timeout_ms;
  r->ep = j->ep;
  r->cb = j->cb;
  r->data = j->data;
  r->max_retries = c->max_retries;
  r->timeout_ms = c->timeout_ms;
  if (own != NULL) {
    r->ep_state = own->state;
    own->state = NULL;
    r->max_retries = own->max_retries;
    r->timeout_ms = own->timeout_ms;
    connect_timeout_ms = own->connect_timeout_ms;
    r->own_headers = own->own_headers;
    own->own_headers = NULL;
    r->method = own->method;
    r->send = own->send;
    memset(&own->send, 0, sizeof own->send);
  }
  if (easy_method(r) != CURLE_OK ||
      curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, r->timeout_ms) !=
          CURLE_OK ||
      curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT_MS,
                       connect_timeout_ms) != CURLE_OK ||
      curl_easy_setopt(r->easy, CURLOPT_URL, url) != CURLE_OK ||
      anth__req_attempt(c, r) != 0) {
    req_put(c, r);
    return ANTHROPIC_ENOMEM;
  }
  r->slot = j->slot;
  c->slots[j->slot].req = r;
  c->slots[j->slot].job = NULL;
  active_link(c, r);
  return 0;
}

/* Start queued requests, oldest first, while there is room in flight. */
static void queue_pump(anthropic_client_t *c) {
  while (c->queue_head != NULL && c->active_count < c->max_in_flight &&
         !c->closing) {
    anth_job_t *j = c->queue_head;
    queue_unlink(c, j);
    /* Its own buffer, not scratch: this runs from callbacks too. */
    c->queue_url.len = 0;
    if (anth__buf_appends(&c->queue_url, c->base_url) == 0 &&
        anth__buf_appends(&c->queue_url, j->path) == 0 &&
        job_start(c, j, c->queue_url.data) == 0)
      anth__job_free(j);
    else
      job_defer(c, j, ANTHROPIC_ENOMEM, "out of memory starting a request");
  }
}

/* From a callback of the request itself that runs while it is still in
 * flight (its log line, an endpoint's REQ_EACH callback): the code that called
 * it ends the request once the callback returns. */
static bool cancel_on_return(const anthropic_req_t *r) {
  return r->state == REQ_ENDING || r->state == REQ_EACH;
}

int anthropic_request_cancel(anthropic_client_t *c, anthropic_request_id_t id) {
  uint32_t i = (uint32_t)id, gen = (uint32_t)(id >> 32);
  if (c == NULL || anth__in_alloc || gen == 0 || i >= c->slot_count ||
      c->slots[i].gen != gen)
    return ANTHROPIC_EINVAL; /* never issued, or its callback has run */
  if (c->slots[i].next_free == ANTH_SLOT_EXT)
    return c->slots[i].ext->cancel(c, c->slots[i].ext);
  anth_job_t *j = c->slots[i].job;
  anthropic_req_t *r = c->slots[i].req;
  if (j != NULL) {
    if (j->due)
      return ANTHROPIC_EINVAL; /* its callback is already due */
    queue_unlink(c, j);
    job_defer(c, j, ANTHROPIC_ECANCELLED, "request cancelled");
    return 0;
  }
  if (r == NULL)
    return ANTHROPIC_EINVAL;
  if (cancel_on_return(r)) {
    r->cancel_asked = true;
    return 0;
  }
  if (r->state != REQ_ACTIVE && r->state != REQ_WAITING)
    return ANTHROPIC_EINVAL; /* finished, or its callback is already due */
  cancel(r, "request cancelled");
  return 0;
}

/* Linear in the requests in flight and in the queue. */
void anth__req_cancel_all(anthropic_client_t *c, const char *why) {
  anthropic_req_t *r = c->active, *next;
  for (; r != NULL; r = next) {
    next = r->next;
    if (cancel_on_return(r))
      r->cancel_asked = true;
    else
      cancel(r, why);
  }
  while (c->queue_head != NULL) {
    anth_job_t *j = c->queue_head;
    queue_unlink(c, j);
    job_defer(c, j, ANTHROPIC_ECANCELLED, why);
  }
}

/* ---- starting requests (the calls themselves are in the endpoints'
 * files) ---- */

static bool has_own_headers(const anthropic_request_options_t *o) {
  return o != NULL &&
         ((o->headers != NULL && o->headers_count > 0) ||
          (o->betas != NULL && o->betas_count > 0) || o->workspace_id != NULL);
}

/* The job's block of its own settings, made with the client's when it
 * has none: 0, or ANTHROPIC_ENOMEM with the client's last error set. */
static int job_own(anthropic_client_t *c, anth_job_t *j) {
  if (j->own != NULL)
    return 0;
  j->own = anth__calloc(1, sizeof *j->own);
  if (j->own == NULL) {
    anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
    return ANTHROPIC_ENOMEM;
  }
  j->own->max_retries = c->max_retries;
  j->own->timeout_ms = c->timeout_ms;
  j->own->connect_timeout_ms = c->connect_timeout_ms;
  return 0;
}

/* The request's own settings over the client's, in a block of its own
 * when they differ from the client's (or for an endpoint's state): 0, or EINVAL
 * or ENOMEM with the client's last error set. */
static int resolve_options(anthropic_client_t *c, anth_job_t *j,
                           const anthropic_request_options_t *o) {
  static const anthropic_request_options_t none =
      ANTHROPIC_REQUEST_OPTIONS_INIT;
  if (o == NULL)
    o = &none;
  if (o->max_retries < ANTHROPIC_RETRIES_DEFAULT) {
    anth__set_last_error(
        c, ANTHROPIC_EINVAL,
        "options.max_retries must be >= 0 (or ANTHROPIC_RETRIES_DEFAULT)");
    return ANTHROPIC_EINVAL;
  }
  int max_retries = anth__retries_option(o->max_retries, c->max_retries);
  long timeout_ms = anth__ms_option(o->timeout_ms, c->timeout_ms);
  long connect_ms =
      anth__ms_option(o->connect_timeout_ms, c->connect_timeout_ms);
  if (!j->ep->own_state && !has_own_headers(o) &&
      max_retries == c->max_retries && timeout_ms == c->timeout_ms &&
      connect_ms == c->connect_timeout_ms)
    return 0;
  if (job_own(c, j) != 0)
    return ANTHROPIC_ENOMEM;
  j->own->max_retries = max_retries;
  j->own->timeout_ms = timeout_ms;
  j->own->connect_timeout_ms = connect_ms;
  if (has_own_headers(o)) {
    char msg[ANTH_ERRMSG_MAX] = "";
    anth_line_t *lines = NULL;
    int rc =
        anth__headers_for_request(c->header_lines, o, &lines, msg, sizeof msg);
    if (rc == 0 && (j->own->own_headers = anth__lines_to_slist(lines)) == NULL)
      rc = ANTHROPIC_ENOMEM;
    anth__lines_free(lines);
    if (rc != 0) {
      anth__set_last_error(c, (anthropic_errkind_t)rc,
                           rc == ANTHROPIC_ENOMEM ? "out of memory" : msg);
      return rc;
    }
  }
  return 0;
}

struct curl_slist *anth__lines_to_slist(const anth_line_t *l) {
  struct curl_slist *list = NULL;
  for (; l != NULL; l = l->next) {
    struct curl_slist *grown = curl_slist_append(list, l->data);
    if (grown == NULL) {
      curl_slist_free_all(list);
      return NULL;
    }
    list = grown;
  }
  return list;
}

void anth__job_free(anth_job_t *j) {
  if (j == NULL)
    return;
  if (j->own != NULL) {
    if (j->own->state != NULL)
      j->ep->free_state(j->own->state);
    curl_slist_free_all(j->own->own_headers);
    anth__buf_free(&j->own->send);
    anth__free(j->own);
  }
  anth__free(j);
}

int anth__job_header(anthropic_client_t *c, anth_job_t *j, const char *line) {
  if (job_own(c, j) != 0)
    return ANTHROPIC_ENOMEM;
  anth_job_own_t *own = j->own;
  if ((own->own_headers == NULL &&
       (own->own_headers = anth__lines_to_slist(c->header_lines)) == NULL) ||
      curl_slist_append(own->own_headers, line) == NULL) {
    anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
    return ANTHROPIC_ENOMEM;
  }
  return 0;
}

const char *anth__req_header(const anthropic_req_t *r, const char *name) {
  return resp_header(r, name);
}

anthropic_request_id_t anth__ext_open(anthropic_client_t *c, anth_ext_t *x) {
  uint32_t slot;
  if (slot_take(c, &slot) != 0) {
    anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
    return 0;
  }
  c->slots[slot].next_free = ANTH_SLOT_EXT;
  c->slots[slot].ext = x;
  c->stats.requests_started++;
  return slot_id(c, slot);
}

void anth__ext_close(anthropic_client_t *c, anthropic_request_id_t id) {
  if (anth__ext_get(c, id) == NULL)
    return;
  count_finished(c, ANTHROPIC_ECANCELLED);
  slot_release(c, (uint32_t)id);
}

anth_ext_t *anth__ext_get(const anthropic_client_t *c,
                          anthropic_request_id_t id) {
  uint32_t i = (uint32_t)id, gen = (uint32_t)(id >> 32);
  if (c == NULL || gen == 0 || i >= c->slot_count || c->slots[i].gen != gen ||
      c->slots[i].next_free != ANTH_SLOT_EXT)
    return NULL;
  return c->slots[i].ext;
}

int anth__job_method(anthropic_client_t *c, anth_job_t *j, const char *method,
                     const char *content_type, const char *body, size_t len) {
  char line[128];
  if (job_own(c, j) != 0)
    return ANTHROPIC_ENOMEM;
  anth_job_own_t *own = j->own;
  own->method = method;
  bool post = strcmp(method, "POST") == 0;
  if (body == NULL && !post)
    return 0;
  /* A POST with no body would get curl's form type: an empty line keeps
   * any out. */
  if (body == NULL)
    anth__errf(line, sizeof line, "content-type:");
  else
    anth__errf(line, sizeof line, "content-type: %s", content_type);
  if (own->own_headers == NULL &&
      (own->own_headers = anth__lines_to_slist(c->header_lines)) == NULL)
    goto nomem;
  /* Appended in place: the list's head, kept on the job, stays. */
  if (curl_slist_append(own->own_headers, line) == NULL)
    goto nomem;
  own->send.len = 0;
  if (body != NULL && anth__buf_append(&own->send, body, len) != 0)
    goto nomem;
  return 0;
nomem:
  anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
  return ANTHROPIC_ENOMEM;
}

anth_job_t *anth__job_new(anthropic_client_t *c, const anth_endpoint_t *ep,
                          const anthropic_request_options_t *options,
                          void *data) {
  anth_job_t *j = anth__calloc(1, sizeof *j + 1); /* path "" */
  if (j == NULL) {
    anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
    return NULL;
  }
  j->ep = ep;
  j->data = data;
  j->slot = ANTH_NO_SLOT;
  if (resolve_options(c, j, options) != 0) {
    anth__job_free(j);
    return NULL;
  }
  return j;
}

/* The job grown to keep its URL past the base URL (scratch holds the
 * whole URL), for when it starts; NULL when out of memory (the job is
 * still whole then). */
static anth_job_t *job_keep_path(anthropic_client_t *c, anth_job_t *j) {
  size_t base = strlen(c->base_url);
  const char *path = c->scratch.data + base;
  size_t n = c->scratch.len - base;
  anth_job_t *grown = anth__realloc(j, sizeof *j + n + 1);
  if (grown == NULL)
    return NULL;
  memcpy(grown->path, path, n + 1);
  return grown;
}

anthropic_request_id_t anth__job_submit(anthropic_client_t *c, anth_job_t *j) {
  uint32_t slot;
  bool start_now = c->queue_head == NULL && c->active_count < c->max_in_flight;
  anth_job_t *grown = start_now ? j : job_keep_path(c, j);
  if (grown == NULL || slot_take(c, &slot) != 0) {
    anth__job_free(grown != NULL ? grown : j);
    anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
    return 0;
  }
  j = grown;
  j->slot = slot;
  c->slots[slot].job = j;
  int rc = 0;
  if (start_now) {
    rc = job_start(c, j, c->scratch.data);
    if (rc == 0)
      anth__job_free(j);
  } else {
    queue_push(c, j); /* its turn comes when requests ahead of it finish */
  }
  if (rc != 0) {
    slot_release(c, slot);
    anth__job_free(j);
    anth__set_last_error(c, ANTHROPIC_ENOMEM, "out of memory");
    return 0;
  }
  c->stats.requests_started++;
  anth__set_last_error(c, ANTHROPIC_OK, "");
  return slot_id(c, slot);
}

bool anth__req_usable(anthropic_client_t *c, bool has_cb) {
  if (anth__in_alloc) {
    anth__set_last_error(c, ANTHROPIC_EINVAL,
                         "called from inside an allocator function");
    return false;
  }
  if (c->closing) {
    anth__set_last_error(c, ANTHROPIC_EINVAL, "the client is closing");
    return false;
  }
  if (!has_cb) {
    anth__set_last_error(c, ANTHROPIC_EINVAL, "callback is NULL");
    return false;
  }
  return true;
}
