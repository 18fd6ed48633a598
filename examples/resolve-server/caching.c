/*
 * caching.c - the HTTP side of a cached answer (RFC 9111, RFC 5861):
 * Cache-Control: max-age with what is left of the entry's TTL, Age, a
 * strong ETag of the body and If-None-Match answered 304, and the
 * Warning and X-Stale headers of an answer served stale because the
 * upstream failed.
 *
 * A model's JSON and ETag are the same for every answer from one cache
 * entry: they are made at its first answer and kept in a small table by
 * the model's address, checked against its id and the loop time the
 * upstream gave it (uv_now() less its age), so a refreshed entry, or
 * another model at a freed one's address, is made anew.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* A strong validator: FNV-1a (64 bits) of the body, quoted. */
static void etag_of(const char *body, size_t len, char *out, size_t out_len) {
  uint64_t h = 14695981039346656037ULL;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)body[i];
    h *= 1099511628211ULL;
  }
  (void)snprintf(out, out_len, "\"%016llx\"", (unsigned long long)h);
}

/* If-None-Match: "*" or a list of entity tags, compared weakly (W/ set
 * aside, RFC 9110 13.1.2). */
static bool none_match(const char *header, const char *etag) {
  size_t elen = strlen(etag);
  const char *p = header;
  while (*p != '\0') {
    while (*p == ' ' || *p == '\t' || *p == ',')
      p++;
    const char *end = p;
    while (*end != '\0' && *end != ',')
      end++;
    const char *tag = p;
    size_t len = (size_t)(end - p);
    while (len > 0 && (tag[len - 1] == ' ' || tag[len - 1] == '\t'))
      len--;
    if (len == 1 && tag[0] == '*')
      return true;
    if (len >= 2 && tag[0] == 'W' && tag[1] == '/') {
      tag += 2;
      len -= 2;
    }
    if (len == elen && memcmp(tag, etag, elen) == 0)
      return true;
    p = end;
  }
  return false;
}

static void answer(srv_conn_t *c, const char *body, size_t len,
                   const char *etag, const srv_freshness_t *f) {
  char headers[512];
  srv_out_t h = SRV_OUT(headers);
  uint64_t ttl_s = c->srv->o->cache_ttl_ms / 1000;
  uint64_t age_s = f->age_ms / 1000;
  uint64_t max_age = f->stale || age_s >= ttl_s ? 0 : ttl_s - age_s;
  srv_out_str(&h, "Content-Type: application/json\r\nCache-Control: max-age=");
  srv_out_u64(&h, max_age);
  srv_out_str(&h, "\r\nETag: ");
  srv_out_str(&h, etag);
  srv_out_str(&h, "\r\n");
  if (f->age_ms > 0) {
    srv_out_str(&h, "Age: ");
    srv_out_u64(&h, age_s);
    srv_out_str(&h, "\r\n");
  }
  if (f->stale)
    srv_out_str(&h, "Warning: 110 - \"Response is Stale\", 111 - "
                    "\"Revalidation Failed\"\r\nX-Stale: true\r\n");
  if (h.full) {
    srv_answer_error(c, 500, "internal", NULL, "headers too long", NULL);
    return;
  }
  if (f->stale)
    c->srv->metrics.stale_served++;
  if (c->req.if_none_match[0] != '\0' && none_match(c->req.if_none_match, etag))
    srv_conn_reply(c, 304, headers, NULL, 0);
  else
    srv_conn_reply(c, 200, headers, body, len);
}

void srv_answer_cached(srv_conn_t *c, const char *body, size_t len,
                       const srv_freshness_t *f) {
  char etag[24];
  etag_of(body, len, etag, sizeof etag);
  answer(c, body, len, etag, f);
}

/* The slot of the model at `model`, made now if it holds another. NULL
 * when out of memory, or the id too long to keep (then made each time). */
static const srv_memo_t *memo_of(srv_server_t *s,
                                 const anthropic_model_info_t *model,
                                 uint64_t received_ms) {
  uintptr_t h = (uintptr_t)model;
  srv_memo_t *m = &s->memo[(h >> 4 ^ h >> 12) % SRV_MEMO_SLOTS];
  size_t idlen = strlen(model->id);
  if (m->json != NULL && m->model == model && m->received_ms == received_ms &&
      strcmp(m->id, model->id) == 0)
    return m;
  if (idlen >= sizeof m->id)
    return NULL;
  char *json = anthropic_model_info_json(model);
  if (json == NULL)
    return NULL;
  anthropic_free(m->json);
  m->json = json;
  m->len = strlen(json);
  m->model = model;
  m->received_ms = received_ms;
  memcpy(m->id, model->id, idlen + 1);
  etag_of(json, m->len, m->etag, sizeof m->etag);
  return m;
}

void srv_answer_model(srv_conn_t *c, const anthropic_model_info_t *model,
                      const srv_freshness_t *f) {
  srv_server_t *s = c->srv;
  const srv_memo_t *m = memo_of(s, model, uv_now(s->loop) - f->age_ms);
  if (m != NULL) {
    answer(c, m->json, m->len, m->etag, f);
    return;
  }
  char *json = anthropic_model_info_json(model);
  if (json == NULL) {
    srv_answer_error(c, 503, "out_of_memory", NULL, "out of memory", NULL);
    return;
  }
  srv_answer_cached(c, json, strlen(json), f);
  anthropic_free(json);
}

void srv_memo_free(srv_server_t *s) {
  for (size_t i = 0; i < SRV_MEMO_SLOTS; i++) {
    anthropic_free(s->memo[i].json);
    s->memo[i].json = NULL;
  }
}
