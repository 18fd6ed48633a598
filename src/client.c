/* client.c - creating, configuring and closing a client. */
#include "client.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define ANTH_DEFAULT_BASE_URL "https://api.anthropic.com"
#define ANTH_DEFAULT_VERSION "2023-06-01"
#define ANTH_DEFAULT_MAX_BODY ((size_t)8 * 1024 * 1024)
#define ANTH_DEFAULT_HOST_CONNECTIONS 64u
/* curl 7.88's own default is 100 streams per connection: past that it
 * opens more connections (ten for a thousand requests at once) though the
 * server takes more. 1000 fits a thousand in one; the server's
 * SETTINGS_MAX_CONCURRENT_STREAMS, when lower, still wins. */
#define ANTH_DEFAULT_STREAMS_PER_CONNECTION 1000u
/* Until a new HTTP/2 connection has the server's SETTINGS, libcurl 7.88
 * takes it to carry at most 100 streams (DEFAULT_MAX_CONCURRENT_STREAMS in
 * its lib/http2.h). A transfer that finds it full then opens a connection
 * of its own, and so does every one after it (up to the host's cap), even
 * once SETTINGS say 1000. On a loaded machine the SETTINGS come late, and
 * a thousand requests at once took 64 connections: where connections
 * multiplex, no more than this are in flight unless the caller asks. */
#define ANTH_H2_STREAMS_BEFORE_SETTINGS 100u
#define ANTH_DEFAULT_MAX_RETRIES 2
#define ANTH_DEFAULT_TIMEOUT_MS 600000L
#define ANTH_DEFAULT_CONNECT_TIMEOUT_MS 5000L
#define ANTH_DEFAULT_RETRY_AFTER_CAP ((uint64_t)60000)

/* curl takes the body limit as a curl_off_t: a larger one (SIZE_MAX, say,
 * meant as "no limit") is clamped to the largest it takes, which no body
 * reaches. Passed through, it read as negative and curl refused it. */
_Static_assert(sizeof(curl_off_t) == 8, "curl_off_t is 64-bit");
static size_t body_limit(size_t v) {
  if (v == 0)
    return ANTH_DEFAULT_MAX_BODY;
  return (uint64_t)v > (uint64_t)INT64_MAX ? (size_t)INT64_MAX : v;
}

/* ---- the engine's hooks: what it reports reaches the layers here ---- */

static bool on_engine_idle(anthropic_client_t *c) {
  anth__req_run_deferred(c);
  anth__resolve_run_due(c);
  anth__watch_run_due(c);
  return anth__req_deferred_pending(c) || anth__resolve_pending(c) ||
         anth__watch_pending(c);
}

static void on_engine_quiet(anthropic_client_t *c) {
  if (c->closing && c->active == NULL && c->queue_head == NULL &&
      c->watches == NULL)
    anth__engine_teardown(c);
}

static void free_headers(anthropic_client_t *c) {
  if (c->headers != NULL)
    c->headers->next = NULL; /* the rest is headers_base */
  curl_slist_free_all(c->headers);
  curl_slist_free_all(c->headers_base);
  c->headers = c->headers_base = NULL;
  anth__lines_free(c->header_lines);
  c->header_lines = NULL;
}

/* One TLS session cache for the client's easy handles: a connection
 * opened after another's handshake resumes its session (over HTTP/1.1,
 * each of --concurrency connections would otherwise do a full handshake,
 * as curl keeps a cache per easy handle). The loop's thread alone uses
 * it: no lock callbacks. None when out of memory: full handshakes. */
static void share_init(anthropic_client_t *c) {
  c->share = curl_share_init();
  if (c->share != NULL &&
      curl_share_setopt(c->share, CURLSHOPT_SHARE,
                        CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
    curl_share_cleanup(c->share);
    c->share = NULL;
  }
}

/* After every easy handle is gone (a handle still using it would keep it
 * in use). */
static void share_free(anthropic_client_t *c) {
  if (c->share != NULL)
    curl_share_cleanup(c->share);
  c->share = NULL;
}

static void on_engine_teardown(anthropic_client_t *c) {
  anth__req_pool_free(c);
  share_free(c);
  anth__resolve_free(c);
  free_headers(c);
}

/* A variable's value, NULL when unset or empty (as libcurl's getenv). */
static const char *env_value(const char *name) {
  const char *v = getenv(name);
  return v != NULL && *v != '\0' ? v : NULL;
}

/* The proxy libcurl 7.88 takes from the environment for a URL of the base
 * URL's scheme (<scheme>_proxy, its upper case too but for http, then
 * all_proxy, ALL_PROXY) and the hosts no_proxy (else NO_PROXY) exempts,
 * read once: left to libcurl, they are read again for every transfer
 * (five getenv() a request). Not checked as the proxy option is: libcurl
 * took them as they are. "" for none. */
static int proxy_from_env(anthropic_client_t *c) {
  bool https = strncasecmp(c->base_url, "https://", 8) == 0;
  const char *p = env_value(https ? "https_proxy" : "http_proxy");
  if (p == NULL && https)
    p = env_value("HTTPS_PROXY");
  if (p == NULL)
    p = env_value("all_proxy");
  if (p == NULL)
    p = env_value("ALL_PROXY");
  const char *np = env_value("no_proxy");
  if (np == NULL)
    np = env_value("NO_PROXY");
  c->proxy = anth__strdup(p ? p : "");
  c->no_proxy = anth__strdup(np ? np : "");
  return c->proxy != NULL && c->no_proxy != NULL ? 0 : ANTHROPIC_ENOMEM;
}

static void free_client(anthropic_client_t *c) {
  share_free(c);
  anth__buf_free(&c->scratch);
  anth__buf_free(&c->queue_url);
  anth__free(c->slots);
  anth__free(c->base_url);
  anth__free(c->ca_bundle);
  anth__free(c->proxy);
  anth__free(c->no_proxy);
  anth__free(c);
  curl_global_cleanup();
}

static void on_engine_closed(anthropic_client_t *c) {
  anth__clients_alive--;
  if (c->close_cb != NULL)
    c->close_cb(c);
  free_client(c);
}

static const anth_engine_hooks_t engine_hooks = {
    anth__req_done,   anth__req_watch_failed, anth__req_multi_failed,
    on_engine_idle,   on_engine_quiet,        on_engine_teardown,
    on_engine_closed,
};

void anthropic_client_set_data(anthropic_client_t *c, void *data) {
  if (c)
    c->data = data;
}

void *anthropic_client_get_data(const anthropic_client_t *c) {
  return c ? c->data : NULL;
}

uv_loop_t *anthropic_client_get_loop(const anthropic_client_t *c) {
  return c ? c->loop : NULL;
}

/* An environment variable, or NULL when unset, empty, or not wanted. */
static const char *env(const anthropic_client_options_t *o, const char *name) {
  if (o->flags & ANTHROPIC_CLIENT_NO_ENV)
    return NULL;
  const char *v = getenv(name);
  return v && *v ? v : NULL;
}

/* A count option: 0 means the default; curl takes at most INT_MAX. */
static unsigned count_option(unsigned v, unsigned dflt) {
  return v == 0 ? dflt : v > INT_MAX ? INT_MAX : v;
}

/* A credential among the headers built (custom ones included)? */
static bool has_credential_header(const anth_line_t *h) {
  for (; h != NULL; h = h->next)
    if (strncasecmp(h->data, "x-api-key:", 10) == 0 ||
        strncasecmp(h->data, "authorization:", 14) == 0)
      return true;
  return false;
}

/* The client's log level: the option, else $ANTHROPIC_LOG, else all of it
 * to a callback and nothing without one. A value of $ANTHROPIC_LOG not
 * understood is said once, as a warning (the SDKs do the same), and the
 * default taken; a bad option value is the caller's error. */
static int log_level(anthropic_client_t *c, const anthropic_client_options_t *o,
                     char *err, size_t errlen) {
  const char *v = env(o, "ANTHROPIC_LOG");
  int from_env = v != NULL ? anth__log_level_parse(v) : -1;
  if (o->log_level < ANTHROPIC_LOG_DEFAULT ||
      o->log_level > ANTHROPIC_LOG_DEBUG) {
    anth__errf(err, errlen, "log_level %d is not an anthropic_log_level_t",
               (int)o->log_level);
    return ANTHROPIC_EINVAL;
  }
  if (o->log_level != ANTHROPIC_LOG_DEFAULT)
    c->log_level = o->log_level;
  else if (from_env > 0)
    c->log_level = (anthropic_log_level_t)from_env;
  else
    c->log_level = c->log_cb != NULL ? ANTHROPIC_LOG_DEBUG
                   : v != NULL       ? ANTHROPIC_LOG_WARN
                                     : ANTHROPIC_LOG_OFF;
  if (v != NULL && from_env < 0)
    anth__log(c, ANTHROPIC_LOG_WARN,
              "ANTHROPIC_LOG=%.40s is not one of off, error, warn, info, "
              "debug: ignored",
              v);
  return 0;
}

/* Everything that can fail for a reason the caller should hear about.
 * `*secret` says whether a key or token will be sent. */
static int configure(anthropic_client_t *c, const anthropic_client_options_t *o,
                     bool *secret, char *err, size_t errlen) {
  char sub[ANTH_ERRMSG_MAX] = "";
  int rc;

  const char *base = o->base_url;
  const char *base_src = "base_url";
  if (base == NULL && (base = env(o, "ANTHROPIC_BASE_URL")) != NULL)
    base_src = "ANTHROPIC_BASE_URL";
  if (base == NULL)
    base = ANTH_DEFAULT_BASE_URL;
  if ((rc = anth__base_url_normalize(base, &c->base_url, sub, sizeof sub))) {
    anth__errf(err, errlen, "%s: %s", base_src, sub);
    return rc;
  }

  unsigned both =
      ANTHROPIC_CLIENT_HTTP1 | ANTHROPIC_CLIENT_HTTP2_PRIOR_KNOWLEDGE;
  if ((o->flags & both) == both) {
    anth__errf(err, errlen,
               "ANTHROPIC_CLIENT_HTTP1 and "
               "ANTHROPIC_CLIENT_HTTP2_PRIOR_KNOWLEDGE exclude "
               "each other");
    return ANTHROPIC_EINVAL;
  }
  if ((o->flags & ANTHROPIC_CLIENT_HTTP2_PRIOR_KNOWLEDGE) &&
      curl_version_info(CURLVERSION_NOW)->version_num < 0x080000) {
    /* curl issue 10634: before 8.0, a reused prior-knowledge connection
     * fails every request after the first with a framing error. */
    anth__errf(err, errlen,
               "HTTP/2 with prior knowledge needs libcurl 8.0 or later "
               "(this is %s, which cannot reuse such connections)",
               curl_version_info(CURLVERSION_NOW)->version);
    return ANTHROPIC_EINVAL;
  }
  c->http_version = (o->flags & ANTHROPIC_CLIENT_HTTP1) ? CURL_HTTP_VERSION_1_1
                    : (o->flags & ANTHROPIC_CLIENT_HTTP2_PRIOR_KNOWLEDGE)
                        ? CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE
                        : CURL_HTTP_VERSION_2TLS;
  c->insecure = (o->flags & ANTHROPIC_CLIENT_INSECURE_SKIP_TLS_VERIFY) != 0;
  c->multiplex_known_early =
      c->http_version == CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE ||
      (c->http_version == CURL_HTTP_VERSION_2TLS &&
       strncasecmp(c->base_url, "https://", 8) == 0);

  const char *version =
      o->anthropic_version ? o->anthropic_version : ANTH_DEFAULT_VERSION;
  if (*version == '\0') {
    anth__errf(err, errlen, "anthropic_version is empty");
    return ANTHROPIC_EINVAL;
  }

  /* Without NO_ENV and without the option, the proxy variables, read
   * here once; NO_ENV means none of it ("" disables the lookup). */
  const char *proxy = o->proxy;
  if (proxy == NULL && (o->flags & ANTHROPIC_CLIENT_NO_ENV))
    proxy = "";
  if (proxy != NULL) {
    if ((rc = anth__proxy_url_check(proxy, err, errlen)) != 0)
      return rc;
    if ((c->proxy = anth__strdup(proxy)) == NULL)
      return ANTHROPIC_ENOMEM;
  } else if ((rc = proxy_from_env(c)) != 0) {
    return rc;
  }

  if (o->ca_bundle != NULL) {
    if (access(o->ca_bundle, R_OK) != 0) {
      anth__errf(err, errlen, "ca_bundle %s: %s", o->ca_bundle,
                 strerror(errno));
      return ANTHROPIC_EINVAL;
    }
    if ((c->ca_bundle = anth__strdup(o->ca_bundle)) == NULL)
      return ANTHROPIC_ENOMEM;
  }

  anth_header_config_t hc = {
      .api_key = o->api_key ? o->api_key : env(o, "ANTHROPIC_API_KEY"),
      .auth_token =
          o->auth_token ? o->auth_token : env(o, "ANTHROPIC_AUTH_TOKEN"),
      .version = version,
      .user_agent = o->user_agent ? o->user_agent
                                  : "anthropic-c/" ANTHROPIC_VERSION_STRING,
      .custom_env = env(o, "ANTHROPIC_CUSTOM_HEADERS"),
      .extra = o->headers,
      .extra_count = o->headers ? o->headers_count : 0,
      .betas = o->betas,
      .betas_count = o->betas ? o->betas_count : 0,
  };
  /* One credential goes out, as the SDKs send it: the key when there is
   * one, else the token. */
  if (hc.api_key != NULL && *hc.api_key != '\0')
    hc.auth_token = NULL;
  if ((rc = anth__headers_build(&hc, &c->header_lines, err, errlen)) != 0)
    return rc;
  if ((c->headers_base = anth__lines_to_slist(c->header_lines)) == NULL)
    return ANTHROPIC_ENOMEM; /* there is always a line: anthropic-version */
  *secret = (hc.api_key != NULL && *hc.api_key != '\0') ||
            (hc.auth_token != NULL && *hc.auth_token != '\0');
  if (!*secret && !has_credential_header(c->header_lines)) {
    /* Every request could only get 401: say so now, as the SDKs do. */
    anth__errf(err, errlen,
               "no credential: set api_key or auth_token (or "
               "$ANTHROPIC_API_KEY / $ANTHROPIC_AUTH_TOKEN), or an x-api-key "
               "or authorization header");
    return ANTHROPIC_EINVAL;
  }
  /* The retry count leads the list so each attempt's list can share the
   * rest, built once. */
  c->headers = curl_slist_append(NULL, "x-stainless-retry-count: 0");
  if (c->headers == NULL)
    return ANTHROPIC_ENOMEM;
  c->headers->next = c->headers_base;

  c->max_body = body_limit(o->max_response_bytes);
  if (o->max_retries < ANTHROPIC_RETRIES_DEFAULT) {
    anth__errf(err, errlen,
               "max_retries must be >= 0 (or ANTHROPIC_RETRIES_DEFAULT)");
    return ANTHROPIC_EINVAL;
  }
  c->max_retries =
      anth__retries_option(o->max_retries, ANTH_DEFAULT_MAX_RETRIES);
  c->timeout_ms = anth__ms_option(o->timeout_ms, ANTH_DEFAULT_TIMEOUT_MS);
  c->connect_timeout_ms =
      anth__ms_option(o->connect_timeout_ms, ANTH_DEFAULT_CONNECT_TIMEOUT_MS);
  c->retry_after_cap_ms = o->retry_after_cap_ms ? o->retry_after_cap_ms
                                                : ANTH_DEFAULT_RETRY_AFTER_CAP;
  c->rng = anth__clock_ns() | 1; /* xorshift needs a non-zero seed */
  c->log_cb = o->log_cb;
  c->log_data = o->log_data;
  return log_level(c, o, err, errlen);
}

/* A key sent over plain http:// to anything but loopback can be read (and
 * kept) by anyone on the way: say so, once, where the caller logs. */
static void warn_cleartext(anthropic_client_t *c) {
  char host[256];
  if (!anth__log_on(c, ANTHROPIC_LOG_WARN) ||
      !anth__url_cleartext_host(c->base_url, host, sizeof host))
    return;
  anth__log(c, ANTHROPIC_LOG_WARN,
            "the API key or auth token goes to %.200s over plain http://, "
            "readable on the way; use https://",
            host);
}

/* Verification off is the caller's explicit choice, but it should never go
 * unnoticed in a log: say so once. */
static void warn_insecure(anthropic_client_t *c) {
  if (!c->insecure)
    return;
  anth__log(c, ANTHROPIC_LOG_WARN,
            "ANTHROPIC_CLIENT_INSECURE_SKIP_TLS_VERIFY is set: the server's "
            "TLS certificate is not verified, so anyone on the way can read "
            "and change the traffic, the key included");
}

/* At debug, what the client was made with: its settings and header lines,
 * secrets shown as "***". */
static void log_settings(anthropic_client_t *c) {
  char url[400], line[400];
  if (!anth__log_on(c, ANTHROPIC_LOG_DEBUG))
    return;
  anth__redact_url(c->base_url, url, sizeof url);
  anth__log(c, ANTHROPIC_LOG_DEBUG,
            "client: base URL %s, %s, max_retries %d, timeout %ld ms, connect "
            "timeout %ld ms, %zu requests in flight at most",
            url,
            c->http_version == CURL_HTTP_VERSION_1_1 ? "HTTP/1.1"
            : c->http_version == CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE
                ? "HTTP/2 (prior knowledge)"
                : "HTTP/2 where TLS negotiates it",
            c->max_retries, c->timeout_ms, c->connect_timeout_ms,
            c->max_in_flight);
  for (const anth_line_t *l = c->header_lines; l != NULL; l = l->next) {
    anth__redact_header(l->data, line, sizeof line);
    anth__log(c, ANTHROPIC_LOG_DEBUG, "client: header %s", line);
  }
}

int anthropic_client_init(uv_loop_t *loop, anthropic_client_t **out,
                          const anthropic_client_options_t *user, char *err,
                          size_t errlen) {
  static const anthropic_client_options_t defaults =
      ANTHROPIC_CLIENT_OPTIONS_INIT;
  anthropic_client_options_t taken;
  const anthropic_client_options_t *opts = &defaults;
  anth__errf(err, errlen, "%s", "");
  if (out == NULL || loop == NULL) {
    anth__errf(err, errlen, "%s is NULL", out ? "loop" : "out");
    return ANTHROPIC_EINVAL;
  }
  if (anth__in_alloc) {
    *out = NULL;
    anth__errf(err, errlen, "called from inside an allocator function");
    return ANTHROPIC_EINVAL;
  }
  *out = NULL;
  if (user != NULL) {
    int rc =
        anth__opts_take(&taken, sizeof taken, user, "options", err, errlen);
    if (rc != 0)
      return rc;
    opts = &taken;
  }
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    anth__errf(err, errlen, "curl_global_init failed");
    return ANTHROPIC_ENOMEM;
  }
  anthropic_client_t *c = anth__calloc(1, sizeof *c);
  int rc = c ? 0 : ANTHROPIC_ENOMEM;
  bool secret = false;
  if (rc == 0) {
    c->loop = loop;
    rc = configure(c, opts, &secret, err, errlen);
  }
  if (rc == 0)
    share_init(c);
  unsigned conns = opts->max_host_connections ? opts->max_host_connections
                                              : ANTH_DEFAULT_HOST_CONNECTIONS;
  if (rc == 0)
    rc = anth__engine_init(c, &engine_hooks, conns,
                           count_option(opts->max_streams_per_connection,
                                        ANTH_DEFAULT_STREAMS_PER_CONNECTION));
  if (rc != 0) {
    if (rc == ANTHROPIC_ENOMEM)
      anth__errf(err, errlen, "out of memory");
    if (c != NULL) {
      free_headers(c);
      free_client(c);
    } else {
      curl_global_cleanup();
    }
    return rc;
  }
  /* Past this, requests wait in our queue (a few hundred bytes each)
   * rather than in curl's as whole easy handles, which curl 7.88 rescans
   * on every turn. Where connections multiplex, 4 per connection keeps
   * them busy, up to what a connection carries before its SETTINGS; over
   * HTTP/1.1 a connection carries one at a time, so any more would only wait
   * inside curl. */
  size_t multiplexed = (size_t)conns * 4;
  if (multiplexed > ANTH_H2_STREAMS_BEFORE_SETTINGS)
    multiplexed = ANTH_H2_STREAMS_BEFORE_SETTINGS;
  c->max_in_flight = opts->max_requests_in_flight ? opts->max_requests_in_flight
                     : c->multiplex_known_early   ? multiplexed
                                                  : (size_t)conns;
  c->slot_free = ANTH_NO_SLOT;
  anth__set_last_error(c, ANTHROPIC_OK, "");
  anth__clients_alive++;
  *out = c;
  log_settings(c);
  if (secret)
    warn_cleartext(c);
  warn_insecure(c);
  return 0;
}

void anthropic_client_close(anthropic_client_t *c, anthropic_close_cb cb) {
  if (c == NULL || c->closing || anth__in_alloc)
    return;
  c->closing = true;
  c->close_cb = cb;
  anth__watch_close(c);   /* its requests are cancelled with the rest */
  anth__resolve_close(c); /* before its lookups are cancelled under it */
  anth__req_cancel_all(c, "client closed");
  anth__engine_defer(c); /* the idle handler finishes the close */
}

/* ---- the allocator: the library's, cJSON's and libcurl's ---- */

/* libcurl's hooks take size_t and have a strdup; cJSON's take malloc/free.
 * Each marks whose allocation is under way while it runs: tag() sets the
 * source and returns the one to put back. */
static int tag(int source) {
  int outer = anth__alloc_source;
  anth__alloc_source = source;
  return outer;
}

static void *curl_malloc(size_t n) {
  int outer = tag(ANTH_ALLOC_CURL);
  void *p = anth__malloc(n);
  anth__alloc_source = outer;
  return p;
}
static void *curl_calloc(size_t n, size_t m) {
  int outer = tag(ANTH_ALLOC_CURL);
  void *p = anth__calloc(n, m);
  anth__alloc_source = outer;
  return p;
}
static void *curl_realloc(void *p, size_t n) {
  int outer = tag(ANTH_ALLOC_CURL);
  void *q = anth__realloc(p, n);
  anth__alloc_source = outer;
  return q;
}
static char *curl_strdup(const char *s) {
  int outer = tag(ANTH_ALLOC_CURL);
  char *p = anth__strdup(s);
  anth__alloc_source = outer;
  return p;
}
static void *cjson_malloc(size_t n) {
  int outer = tag(ANTH_ALLOC_CJSON);
  void *p = anth__malloc(n);
  anth__alloc_source = outer;
  return p;
}
static void hook_free(void *p) {
  anth__free(p);
}

int anthropic_replace_allocator(anthropic_malloc_func m,
                                anthropic_realloc_func r,
                                anthropic_calloc_func c,
                                anthropic_free_func f) {
  if (m == NULL || r == NULL || c == NULL || f == NULL ||
      anth__clients_alive != 0 || anth__in_alloc)
    return ANTHROPIC_EINVAL;
  anth__alloc_set(m, r, c, f);
  cJSON_Hooks hooks = {cjson_malloc, hook_free};
  cJSON_InitHooks(&hooks);
  /* This initialisation is kept for the life of the process: curl's memory
   * functions can only be chosen by its first global init. */
  if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, curl_malloc, hook_free,
                           curl_realloc, curl_strdup, curl_calloc) != CURLE_OK)
    return ANTHROPIC_EINVAL;
  return 0;
}
