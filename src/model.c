/* model.c - API error bodies (cJSON: they are rare, and small), and the
 * copies of results that outlive their callback. ModelInfo and pages are
 * read by parse.c. */
#include "internal.h"

#include <string.h>

static const cJSON *get(const cJSON *obj, const char *key) {
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

bool anth__json_cut_short(const char *body, size_t len) {
  size_t i = 0, depth = 0;
  while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' ||
                     body[i] == '\n'))
    i++;
  if (i == len || (body[i] != '{' && body[i] != '['))
    return false; /* empty, or not JSON we expect: the parser says so */
  for (; i < len; i++) {
    if (body[i] == '"') {
      /* To the closing quote: one after an even run of backslashes. */
      for (;;) {
        const char *q = memchr(body + i + 1, '"', len - i - 1);
        if (q == NULL)
          return true; /* ends inside a string */
        size_t j = (size_t)(q - body), k = j;
        while (body[k - 1] == '\\')
          k--;
        i = j;
        if ((j - k) % 2 == 0)
          break;
      }
    } else if (body[i] == '{' || body[i] == '[') {
      depth++;
    } else if ((body[i] == '}' || body[i] == ']') && --depth == 0) {
      return false; /* closed: what follows is the parser's business */
    }
  }
  return true;
}

bool anth__json_body_whole(const char *body, size_t len, char *msg,
                           size_t msglen) {
  if (!anth__json_cut_short(body, len))
    return true;
  anth__errf(msg, msglen,
             "response body cut short: its JSON ends early after %zu bytes",
             len);
  return false;
}

cJSON *anth__json_parse(const char *body, size_t len) {
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
  if (root == NULL)
    return NULL;
  /* Trailing bytes after the value: not one JSON document. */
  for (const char *p = end; p < body + len; p++) {
    if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
      cJSON_Delete(root);
      return NULL;
    }
  }
  return root;
}

static const char *string_or_null(const cJSON *v) {
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

int anth__parse_error_body(const char *body, size_t len, cJSON **root,
                           const char **type, const char **message,
                           const char **request_id) {
  *type = *message = *request_id = NULL;
  /* A body cJSON would change (a message cut at \u0000, invalid UTF-8) is
   * not the server's word, and one too costly to parse is not parsed: the
   * caller falls back to the status line. */
  anth_json_scan_t scan;
  *root = len > 0 && anth__json_check(body, len, &scan, NULL, 0) == 0 &&
                  anth__json_cost(&scan, len) <= anth__json_budget(len)
              ? anth__json_parse(body, len)
              : NULL;
  if (!cJSON_IsObject(*root)) {
    cJSON_Delete(*root);
    *root = NULL;
    return -1;
  }
  const cJSON *e = get(*root, "error");
  *type = string_or_null(get(e, "type"));
  *message = string_or_null(get(e, "message"));
  *request_id = string_or_null(get(*root, "request_id"));
  return cJSON_IsObject(e) ? 0 : -1;
}

/* ---- copies that outlive a callback ---- */

/* A copy holds the JSON text it was read from and the arena of its
 * strings: parsed again, the one way a result is ever built. */
/* A response whose strings the copy owns. */
typedef struct owned_response {
  anthropic_response_t r;
  char *request_id, *reset;
} owned_response_t;

typedef struct model_copy {
  anth_model_t model; /* first: &model.info is the pointer handed out */
  owned_response_t response;
  char *text, *arena;
} model_copy_t;

typedef struct page_copy {
  anthropic_models_page_t page; /* first: the pointer handed out */
  owned_response_t response;
  char *text, *arena;
  void *items;
} page_copy_t;

static int copy_response(owned_response_t *dst,
                         const anthropic_response_t *src) {
  static const anthropic_response_t none = {0, NULL, -1, -1, NULL};
  dst->r = src ? *src : none;
  dst->r.request_id = dst->r.ratelimit_requests_reset = NULL;
  if (src && src->request_id &&
      (dst->request_id = anth__strdup(src->request_id)) == NULL)
    return -1;
  if (src && src->ratelimit_requests_reset &&
      (dst->reset = anth__strdup(src->ratelimit_requests_reset)) == NULL)
    return -1;
  dst->r.request_id = dst->request_id;
  dst->r.ratelimit_requests_reset = dst->reset;
  return 0;
}

static void free_response(owned_response_t *r) {
  anth__free(r->request_id);
  anth__free(r->reset);
}

anthropic_model_info_t *
anthropic_model_info_copy(const anthropic_model_info_t *model) {
  if (model == NULL || model->json_text == NULL)
    return NULL;
  model_copy_t *c = anth__calloc(1, sizeof *c);
  if (c == NULL)
    return NULL;
  c->text = anth__strndup(model->json_text, model->json_len);
  if (c->text == NULL ||
      anth__parse_model(c->text, model->json_len, &c->arena, &c->model, NULL,
                        0) != 0 ||
      copy_response(&c->response, model->response) != 0) {
    free_response(&c->response);
    anth__free(c->arena);
    anth__free(c->text);
    anth__free(c);
    return NULL;
  }
  c->model.info.response = model->response ? &c->response.r : NULL;
  return &c->model.info;
}

void anthropic_model_info_free(anthropic_model_info_t *copy) {
  if (copy == NULL)
    return;
  model_copy_t *c = (model_copy_t *)copy;
  anth__free(c->arena);
  anth__free(c->text);
  free_response(&c->response);
  anth__free(c);
}

anthropic_models_page_t *
anthropic_models_page_copy(const anthropic_models_page_t *page) {
  if (page == NULL || page->json_text == NULL)
    return NULL;
  page_copy_t *c = anth__calloc(1, sizeof *c);
  if (c == NULL)
    return NULL;
  c->text = anth__strndup(page->json_text, page->json_len);
  if (c->text == NULL ||
      anth__parse_page(c->text, page->json_len, &c->arena, &c->page, &c->items,
                       NULL, 0) != 0 ||
      copy_response(&c->response, page->response) != 0) {
    free_response(&c->response);
    anth__free(c->items);
    anth__free(c->arena);
    anth__free(c->text);
    anth__free(c);
    return NULL;
  }
  if (page->count < c->page.count && c->items != NULL) {
    /* A walk trimmed it to its cap: keep the same items and cursors. */
    const anthropic_model_info_t *const *all = c->page.data;
    size_t from = 0;
    while (page->count > 0 && from + page->count < c->page.count &&
           strcmp(all[from]->id, page->data[0]->id) != 0)
      from++;
    c->page.data = all + from;
    c->page.count = page->count;
    c->page.first_id = page->count ? all[from]->id : NULL;
    c->page.last_id = page->count ? all[from + page->count - 1]->id : NULL;
    c->page.has_more = page->has_more;
  }
  c->page.response = page->response ? &c->response.r : NULL;
  return &c->page;
}

void anthropic_models_page_free(anthropic_models_page_t *copy) {
  if (copy == NULL)
    return;
  page_copy_t *c = (page_copy_t *)copy;
  anth__free(c->items);
  anth__free(c->arena);
  anth__free(c->text);
  free_response(&c->response);
  anth__free(c);
}
