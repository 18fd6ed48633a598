/* model.c - ModelInfo, pages and error bodies from JSON. Pure: no loop, no
 * network. Every string of a result points into the cJSON tree it came
 * from, so a result is one tree plus (for a page) one array. */
#include "internal.h"

#include <math.h>
#include <string.h>

typedef struct ctx {
  const char *where; /* "" or "data[3]." */
  char *err;
  size_t errlen;
} ctx_t;

static int fail(const ctx_t *c, const char *field, const char *expected) {
  anth__errf(c->err, c->errlen, "%s%s: expected %s", c->where, field, expected);
  return ANTHROPIC_EBADRESPONSE;
}

static const cJSON *get(const cJSON *obj, const char *key) {
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static anthropic_presence_t presence(const cJSON *v) {
  return v == NULL         ? ANTHROPIC_ABSENT
         : cJSON_IsNull(v) ? ANTHROPIC_NULL
                           : ANTHROPIC_SET;
}

static int req_string(const ctx_t *c, const cJSON *obj, const char *key,
                      const char **out) {
  const cJSON *v = get(obj, key);
  if (!cJSON_IsString(v) || v->valuestring == NULL)
    return fail(c, key, "a string");
  *out = v->valuestring;
  return 0;
}

static int opt_string(const ctx_t *c, const cJSON *obj, const char *key,
                      anthropic_opt_str_t *out) {
  const cJSON *v = get(obj, key);
  out->state = presence(v);
  out->value = NULL;
  if (out->state != ANTHROPIC_SET)
    return 0;
  if (!cJSON_IsString(v) || v->valuestring == NULL)
    return fail(c, key, "a string or null");
  out->value = v->valuestring;
  return 0;
}

static int opt_int(const ctx_t *c, const cJSON *obj, const char *key,
                   anthropic_opt_int_t *out) {
  const cJSON *v = get(obj, key);
  out->state = presence(v);
  out->value = 0;
  if (out->state != ANTHROPIC_SET)
    return 0;
  /* cJSON keeps numbers as doubles: accept whole numbers that a double
   * holds exactly (up to 2^53). */
  double d = cJSON_IsNumber(v) ? v->valuedouble : -1;
  if (!(d >= 0 && d <= 9007199254740992.0) || floor(d) != d)
    return fail(c, key, "a non-negative integer or null");
  out->value = (int64_t)d;
  return 0;
}

static int time_value(const ctx_t *c, const cJSON *v, const char *key,
                      anthropic_time_t *out) {
  out->state = presence(v);
  out->text = NULL;
  out->unix_seconds = 0;
  out->nanoseconds = 0;
  if (out->state != ANTHROPIC_SET)
    return 0;
  if (!cJSON_IsString(v) || v->valuestring == NULL ||
      anth__rfc3339_parse(v->valuestring, &out->unix_seconds,
                          &out->nanoseconds) != 0)
    return fail(c, key, "an RFC 3339 date-time string");
  out->text = v->valuestring;
  return 0;
}

/* {"supported": bool} or null or absent. */
static int capability(const ctx_t *c, const cJSON *obj, const char *key,
                      anthropic_capability_t *out) {
  const cJSON *v = get(obj, key);
  out->state = presence(v);
  out->supported = false;
  if (out->state != ANTHROPIC_SET)
    return 0;
  const cJSON *s = cJSON_IsObject(v) ? get(v, "supported") : NULL;
  if (!cJSON_IsBool(s))
    return fail(c, key, "an object with a boolean \"supported\", or null");
  out->supported = cJSON_IsTrue(s);
  return 0;
}

/* A capability with nested entries: `names` are read from `inner` (the
 * capability object itself, or its "types" member for thinking). */
static int nested(const ctx_t *parent, const cJSON *inner, const char *path,
                  const char *const *names, anthropic_capability_t *const *outs,
                  size_t n) {
  char where[128];
  anth__errf(where, sizeof where, "%s%s.", parent->where, path);
  ctx_t c = {where, parent->err, parent->errlen};
  for (size_t i = 0; i < n; i++) {
    int rc = capability(&c, inner, names[i], outs[i]);
    if (rc != 0)
      return rc;
  }
  return 0;
}

static int capabilities(const ctx_t *parent, const cJSON *obj,
                        anthropic_capabilities_t *caps) {
  memset(caps, 0, sizeof *caps);
  const cJSON *v = get(obj, "capabilities");
  caps->state = presence(v);
  if (caps->state != ANTHROPIC_SET)
    return 0;
  if (!cJSON_IsObject(v))
    return fail(parent, "capabilities", "an object or null");

  char where[128];
  anth__errf(where, sizeof where, "%scapabilities.", parent->where);
  ctx_t c = {where, parent->err, parent->errlen};
  int rc;
  static const char *const simple[] = {"batch",          "citations",
                                       "code_execution", "image_input",
                                       "pdf_input",      "structured_outputs"};
  anthropic_capability_t *const simple_out[] = {
      &caps->batch,       &caps->citations, &caps->code_execution,
      &caps->image_input, &caps->pdf_input, &caps->structured_outputs};
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(simple); i++)
    if ((rc = capability(&c, v, simple[i], simple_out[i])) != 0)
      return rc;

  /* Each group: read its own {"supported"} first, then its entries. */
  anthropic_capability_t self;

  if ((rc = capability(&c, v, "thinking", &self)) != 0)
    return rc;
  caps->thinking.state = self.state;
  caps->thinking.supported = self.supported;
  if (self.state == ANTHROPIC_SET) {
    const cJSON *g = get(get(v, "thinking"), "types");
    caps->thinking.types = presence(g);
    if (caps->thinking.types == ANTHROPIC_SET) {
      if (!cJSON_IsObject(g))
        return fail(&c, "thinking.types", "an object or null");
      static const char *const names[] = {"adaptive", "between_tools",
                                          "disabled", "enabled"};
      anthropic_capability_t *const outs[] = {
          &caps->thinking.adaptive, &caps->thinking.between_tools,
          &caps->thinking.disabled, &caps->thinking.enabled};
      if ((rc = nested(&c, g, "thinking.types", names, outs, 4)) != 0)
        return rc;
    }
  }

  if ((rc = capability(&c, v, "effort", &self)) != 0)
    return rc;
  caps->effort.state = self.state;
  caps->effort.supported = self.supported;
  if (self.state == ANTHROPIC_SET) {
    static const char *const names[] = {"low", "medium", "high", "max",
                                        "xhigh"};
    anthropic_capability_t *const outs[] = {
        &caps->effort.low, &caps->effort.medium, &caps->effort.high,
        &caps->effort.max, &caps->effort.xhigh};
    if ((rc = nested(&c, get(v, "effort"), "effort", names, outs, 5)) != 0)
      return rc;
  }

  if ((rc = capability(&c, v, "context_management", &self)) != 0)
    return rc;
  caps->context_management.state = self.state;
  caps->context_management.supported = self.supported;
  if (self.state == ANTHROPIC_SET) {
    static const char *const names[] = {"clear_thinking_20251015",
                                        "clear_tool_uses_20250919",
                                        "compact_20260112"};
    anthropic_capability_t *const outs[] = {
        &caps->context_management.clear_thinking_20251015,
        &caps->context_management.clear_tool_uses_20250919,
        &caps->context_management.compact_20260112};
    if ((rc = nested(&c, get(v, "context_management"), "context_management",
                     names, outs, 3)) != 0)
      return rc;
  }

  if ((rc = capability(&c, v, "server_tools", &self)) != 0)
    return rc;
  caps->server_tools.state = self.state;
  caps->server_tools.supported = self.supported;
  if (self.state == ANTHROPIC_SET) {
    static const char *const names[] = {"code_execution", "web_search"};
    anthropic_capability_t *const outs[] = {&caps->server_tools.code_execution,
                                            &caps->server_tools.web_search};
    if ((rc = nested(&c, get(v, "server_tools"), "server_tools", names, outs,
                     2)) != 0)
      return rc;
  }
  return 0;
}

static anthropic_lifecycle_t lifecycle_value(const anthropic_opt_str_t *s) {
  if (s->state != ANTHROPIC_SET)
    return ANTHROPIC_LIFECYCLE_UNSET;
  if (strcmp(s->value, "active") == 0)
    return ANTHROPIC_LIFECYCLE_ACTIVE;
  if (strcmp(s->value, "deprecated") == 0)
    return ANTHROPIC_LIFECYCLE_DEPRECATED;
  if (strcmp(s->value, "retired") == 0)
    return ANTHROPIC_LIFECYCLE_RETIRED;
  return ANTHROPIC_LIFECYCLE_OTHER;
}

int anth__model_from_json(const cJSON *obj, anthropic_model_info_t *m,
                          const char *where, char *err, size_t errlen) {
  ctx_t c = {where ? where : "", err, errlen};
  int rc;
  memset(m, 0, sizeof *m);
  if (!cJSON_IsObject(obj)) {
    size_t n = strlen(c.where); /* "data[1]." names the item "data[1]" */
    if (n == 0)
      anth__errf(err, errlen, "body: expected a ModelInfo object");
    else
      anth__errf(err, errlen, "%.*s: expected a ModelInfo object", (int)(n - 1),
                 c.where);
    return ANTHROPIC_EBADRESPONSE;
  }
  if ((rc = req_string(&c, obj, "id", &m->id)) != 0 ||
      (rc = req_string(&c, obj, "type", &m->type)) != 0)
    return rc;
  if (strcmp(m->type, "model") != 0)
    return fail(&c, "type", "\"model\"");
  if ((rc = req_string(&c, obj, "display_name", &m->display_name)) != 0)
    return rc;
  const cJSON *created = get(obj, "created_at");
  if (created == NULL || cJSON_IsNull(created))
    return fail(&c, "created_at", "an RFC 3339 date-time string");
  if ((rc = time_value(&c, created, "created_at", &m->created_at)) != 0 ||
      (rc = opt_int(&c, obj, "max_input_tokens", &m->max_input_tokens)) != 0 ||
      (rc = opt_int(&c, obj, "max_tokens", &m->max_tokens)) != 0 ||
      (rc = opt_string(&c, obj, "lifecycle", &m->lifecycle)) != 0 ||
      (rc = opt_string(&c, obj, "line", &m->line)) != 0 ||
      (rc = time_value(&c, get(obj, "deprecated_at"), "deprecated_at",
                       &m->deprecated_at)) != 0 ||
      (rc = time_value(&c, get(obj, "retires_at"), "retires_at",
                       &m->retires_at)) != 0 ||
      (rc = capabilities(&c, obj, &m->capabilities)) != 0)
    return rc;
  m->lifecycle_value = lifecycle_value(&m->lifecycle);
  m->json = obj;
  return 0;
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

/* Check, then parse, telling a body that is not JSON from a parse that ran
 * out of memory (cJSON reports both as NULL). The check also bounds the
 * memory the tree will take, and the items of a page's "data". */
static int parse_body(const char *body, size_t len, size_t max_items,
                      cJSON **root, char *err, size_t errlen) {
  unsigned long failures = anth__alloc_failures;
  anth_json_scan_t scan;
  *root = NULL;
  int rc = anth__json_check(body, len, &scan, err, errlen);
  if (rc != 0)
    return rc;
  if (scan.data_items > max_items) {
    anth__errf(err, errlen, "data: %zu items, more than the %zu a page holds",
               scan.data_items, max_items);
    return ANTHROPIC_EBADRESPONSE;
  }
  size_t cost = anth__json_cost(&scan, len), budget = anth__json_budget(len);
  if (cost > budget) {
    anth__errf(err, errlen,
               "body: %zu bytes with %zu JSON values would take about %zu "
               "bytes parsed, more than the %zu allowed (%d times the body "
               "+ 1 MiB)",
               len, scan.values, cost, budget, ANTH_JSON_MEM_FACTOR);
    return ANTHROPIC_ETOOLARGE;
  }
  *root = anth__json_parse(body, len);
  if (*root != NULL)
    return 0;
  if (anth__alloc_failures != failures) {
    anth__errf(err, errlen, "out of memory");
    return ANTHROPIC_ENOMEM;
  }
  anth__errf(err, errlen, "body is not valid JSON (%zu bytes)", len);
  return ANTHROPIC_EBADRESPONSE;
}

int anth__parse_model(const char *body, size_t len, cJSON **root,
                      anthropic_model_info_t *out, char *err, size_t errlen) {
  int rc = parse_body(body, len, SIZE_MAX, root, err, errlen);
  if (rc != 0)
    return rc;
  rc = anth__model_from_json(*root, out, "", err, errlen);
  if (rc != 0) {
    cJSON_Delete(*root);
    *root = NULL;
  }
  return rc;
}

static int cursor(const ctx_t *c, const cJSON *root, const char *key,
                  const char **out) {
  const cJSON *v = get(root, key);
  *out = NULL;
  if (v == NULL || cJSON_IsNull(v))
    return 0;
  if (!cJSON_IsString(v) || v->valuestring == NULL)
    return fail(c, key, "a string or null");
  *out = v->valuestring;
  return 0;
}

int anth__page_from_json(const cJSON *root, anthropic_models_page_t *page,
                         anthropic_model_info_t **items, char *err,
                         size_t errlen) {
  ctx_t c = {"", err, errlen};
  int rc;
  memset(page, 0, sizeof *page);
  *items = NULL;
  if (!cJSON_IsObject(root)) {
    anth__errf(err, errlen, "body: expected a page object");
    return ANTHROPIC_EBADRESPONSE;
  }
  const cJSON *data = get(root, "data");
  if (!cJSON_IsArray(data))
    return fail(&c, "data", "an array");
  const cJSON *has_more = get(root, "has_more");
  if (!cJSON_IsBool(has_more))
    return fail(&c, "has_more", "a boolean");
  if ((rc = cursor(&c, root, "first_id", &page->first_id)) != 0 ||
      (rc = cursor(&c, root, "last_id", &page->last_id)) != 0)
    return rc;
  size_t n = (size_t)cJSON_GetArraySize(data);
  anthropic_model_info_t *arr = NULL;
  if (n > 0) {
    arr = anth__calloc(n, sizeof *arr);
    if (arr == NULL) {
      anth__errf(err, errlen, "out of memory");
      return ANTHROPIC_ENOMEM;
    }
  }
  const cJSON *item = data->child;
  for (size_t i = 0; arr != NULL && i < n && item != NULL; i++) {
    char where[32];
    anth__errf(where, sizeof where, "data[%zu].", i);
    if ((rc = anth__model_from_json(item, &arr[i], where, err, errlen)) != 0) {
      anth__free(arr);
      return rc;
    }
    item = item->next;
  }
  page->data = arr;
  page->count = n;
  page->has_more = cJSON_IsTrue(has_more);
  page->json = root;
  *items = arr;
  return 0;
}

int anth__parse_page(const char *body, size_t len, cJSON **root,
                     anthropic_models_page_t *page,
                     anthropic_model_info_t **items, char *err, size_t errlen) {
  int rc = parse_body(body, len, ANTH_PAGE_MAX_ITEMS, root, err, errlen);
  if (rc != 0)
    return rc;
  rc = anth__page_from_json(*root, page, items, err, errlen);
  if (rc != 0) {
    cJSON_Delete(*root);
    *root = NULL;
  }
  return rc;
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

typedef struct model_copy {
  anthropic_model_info_t info; /* first: the pointer handed out */
  anthropic_response_t response;
  cJSON *root;
} model_copy_t;

typedef struct page_copy {
  anthropic_models_page_t page; /* first: the pointer handed out */
  anthropic_response_t response;
  cJSON *root;
  anthropic_model_info_t *items;
} page_copy_t;

static int copy_response(anthropic_response_t *dst,
                         const anthropic_response_t *src) {
  static const anthropic_response_t none = {0, NULL, -1, -1, NULL};
  *dst = src ? *src : none;
  dst->request_id = NULL;
  dst->ratelimit_requests_reset = NULL;
  if (src && src->request_id &&
      (dst->request_id = anth__strdup(src->request_id)) == NULL)
    return -1;
  if (src && src->ratelimit_requests_reset &&
      (dst->ratelimit_requests_reset =
           anth__strdup(src->ratelimit_requests_reset)) == NULL)
    return -1;
  return 0;
}

static void free_response(anthropic_response_t *r) {
  anth__free((void *)r->request_id);
  anth__free((void *)r->ratelimit_requests_reset);
}

anthropic_model_info_t *
anthropic_model_info_copy(const anthropic_model_info_t *model) {
  if (model == NULL || model->json == NULL)
    return NULL;
  model_copy_t *c = anth__calloc(1, sizeof *c);
  if (c == NULL)
    return NULL;
  c->root = cJSON_Duplicate(model->json, 1);
  if (c->root == NULL ||
      anth__model_from_json(c->root, &c->info, "", NULL, 0) != 0 ||
      copy_response(&c->response, model->response) != 0) {
    free_response(&c->response);
    cJSON_Delete(c->root);
    anth__free(c);
    return NULL;
  }
  c->info.response = model->response ? &c->response : NULL;
  return &c->info;
}

void anthropic_model_info_free(anthropic_model_info_t *copy) {
  if (copy == NULL)
    return;
  model_copy_t *c = (model_copy_t *)copy;
  cJSON_Delete(c->root);
  free_response(&c->response);
  anth__free(c);
}

anthropic_models_page_t *
anthropic_models_page_copy(const anthropic_models_page_t *page) {
  if (page == NULL || page->json == NULL)
    return NULL;
  page_copy_t *c = anth__calloc(1, sizeof *c);
  if (c == NULL)
    return NULL;
  c->root = cJSON_Duplicate(page->json, 1);
  if (c->root == NULL ||
      anth__page_from_json(c->root, &c->page, &c->items, NULL, 0) != 0 ||
      copy_response(&c->response, page->response) != 0) {
    free_response(&c->response);
    anth__free(c->items);
    cJSON_Delete(c->root);
    anth__free(c);
    return NULL;
  }
  if (page->count < c->page.count && c->items != NULL) {
    /* A walk trimmed it to its cap: keep the same items and cursors. */
    size_t from = 0;
    while (page->count > 0 && from + page->count < c->page.count &&
           strcmp(c->items[from].id, page->data[0].id) != 0)
      from++;
    c->page.data = c->items + from;
    c->page.count = page->count;
    c->page.first_id = page->count ? c->items[from].id : NULL;
    c->page.last_id = page->count ? c->items[from + page->count - 1].id : NULL;
    c->page.has_more = page->has_more;
  }
  c->page.response = page->response ? &c->response : NULL;
  return &c->page;
}

void anthropic_models_page_free(anthropic_models_page_t *copy) {
  if (copy == NULL)
    return;
  page_copy_t *c = (page_copy_t *)copy;
  anth__free(c->items);
  cJSON_Delete(c->root);
  free_response(&c->response);
  anth__free(c);
}
