/* tojson.c - a ModelInfo back to JSON, from its typed fields: one object
 * with every field of the schema, in the schema's order (null where the
 * API sent null or nothing). Written straight into one growing buffer, in
 * cJSON's unformatted form byte for byte (its escapes included): a tree
 * of cJSON nodes cost a hundred allocations an answer, most of a cached
 * resolve-server answer's time. */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The text so far; `ok` turns false at the first failed allocation. */
typedef struct jw {
  anth_buf_t b;
  bool ok;
} jw_t;

static void put(jw_t *w, const char *s, size_t n) {
  if (w->ok && anth__buf_append(&w->b, s, n) != 0)
    w->ok = false;
}

/* A literal: keys with their quotes and colon, punctuation, null. */
#define PUT(w, lit) put((w), (lit), sizeof(lit) - 1)

/* A string as cJSON prints it: `"` and `\` escaped, the control
 * characters as \b \f \n \r \t or \u00xx, every other byte as it is.
 * NULL: null. */
static void put_str(jw_t *w, const char *s) {
  if (s == NULL) {
    PUT(w, "null");
    return;
  }
  PUT(w, "\"");
  const unsigned char *p = (const unsigned char *)s;
  while (*p != '\0') {
    const unsigned char *run = p;
    while (*p >= 32 && *p != '"' && *p != '\\')
      p++;
    put(w, (const char *)run, (size_t)(p - run));
    if (*p == '\0')
      break;
    char esc[8];
    switch (*p) {
    case '"':
      PUT(w, "\\\"");
      break;
    case '\\':
      PUT(w, "\\\\");
      break;
    case '\b':
      PUT(w, "\\b");
      break;
    case '\f':
      PUT(w, "\\f");
      break;
    case '\n':
      PUT(w, "\\n");
      break;
    case '\r':
      PUT(w, "\\r");
      break;
    case '\t':
      PUT(w, "\\t");
      break;
    default:
      (void)snprintf(esc, sizeof esc, "\\u%04x", (unsigned)*p);
      put(w, esc, 6);
      break;
    }
    p++;
  }
  PUT(w, "\"");
}

static void put_opt_str(jw_t *w, const anthropic_opt_str_t *v) {
  put_str(w, v->state == ANTHROPIC_FIELD_SET ? v->value : NULL);
}

static void put_time(jw_t *w, const anthropic_time_t *t) {
  put_str(w, t->state == ANTHROPIC_FIELD_SET ? t->text : NULL);
}

/* Integers go out as text: exact even beyond a double's 53 bits. */
static void put_opt_int(jw_t *w, const anthropic_opt_int_t *v) {
  char buf[32];
  if (v->state != ANTHROPIC_FIELD_SET) {
    PUT(w, "null");
    return;
  }
  int n = snprintf(buf, sizeof buf, "%" PRId64, v->value);
  put(w, buf, (size_t)n);
}

/* {"supported":b, the start of every capability object. */
static void put_supported(jw_t *w, bool supported) {
  if (supported)
    PUT(w, "{\"supported\":true");
  else
    PUT(w, "{\"supported\":false");
}

static void put_cap(jw_t *w, const anthropic_capability_t *c) {
  if (c->state != ANTHROPIC_FIELD_SET) {
    PUT(w, "null");
    return;
  }
  put_supported(w, c->supported);
  PUT(w, "}");
}

static void put_thinking(jw_t *w, const anthropic_thinking_capability_t *c) {
  if (c->state != ANTHROPIC_FIELD_SET) {
    PUT(w, "null");
    return;
  }
  put_supported(w, c->supported);
  if (c->types != ANTHROPIC_FIELD_SET) {
    PUT(w, ",\"types\":null}");
    return;
  }
  PUT(w, ",\"types\":{\"adaptive\":");
  put_cap(w, &c->adaptive);
  PUT(w, ",\"between_tools\":");
  put_cap(w, &c->between_tools);
  PUT(w, ",\"disabled\":");
  put_cap(w, &c->disabled);
  PUT(w, ",\"enabled\":");
  put_cap(w, &c->enabled);
  PUT(w, "}}");
}

static void put_effort(jw_t *w, const anthropic_effort_capability_t *c) {
  if (c->state != ANTHROPIC_FIELD_SET) {
    PUT(w, "null");
    return;
  }
  put_supported(w, c->supported);
  PUT(w, ",\"low\":");
  put_cap(w, &c->low);
  PUT(w, ",\"medium\":");
  put_cap(w, &c->medium);
  PUT(w, ",\"high\":");
  put_cap(w, &c->high);
  PUT(w, ",\"max\":");
  put_cap(w, &c->max);
  PUT(w, ",\"xhigh\":");
  put_cap(w, &c->xhigh);
  PUT(w, "}");
}

static void
put_context_management(jw_t *w,
                       const anthropic_context_management_capability_t *c) {
  if (c->state != ANTHROPIC_FIELD_SET) {
    PUT(w, "null");
    return;
  }
  put_supported(w, c->supported);
  PUT(w, ",\"clear_thinking_20251015\":");
  put_cap(w, &c->clear_thinking_20251015);
  PUT(w, ",\"clear_tool_uses_20250919\":");
  put_cap(w, &c->clear_tool_uses_20250919);
  PUT(w, ",\"compact_20260112\":");
  put_cap(w, &c->compact_20260112);
  PUT(w, "}");
}

static void put_server_tools(jw_t *w,
                             const anthropic_server_tools_capability_t *c) {
  if (c->state != ANTHROPIC_FIELD_SET) {
    PUT(w, "null");
    return;
  }
  put_supported(w, c->supported);
  PUT(w, ",\"code_execution\":");
  put_cap(w, &c->code_execution);
  PUT(w, ",\"web_search\":");
  put_cap(w, &c->web_search);
  PUT(w, "}");
}

static void put_capabilities(jw_t *w, const anthropic_capabilities_t *c) {
  if (c->state != ANTHROPIC_FIELD_SET) {
    PUT(w, "null");
    return;
  }
  PUT(w, "{\"batch\":");
  put_cap(w, &c->batch);
  PUT(w, ",\"citations\":");
  put_cap(w, &c->citations);
  PUT(w, ",\"code_execution\":");
  put_cap(w, &c->code_execution);
  PUT(w, ",\"image_input\":");
  put_cap(w, &c->image_input);
  PUT(w, ",\"pdf_input\":");
  put_cap(w, &c->pdf_input);
  PUT(w, ",\"structured_outputs\":");
  put_cap(w, &c->structured_outputs);
  PUT(w, ",\"thinking\":");
  put_thinking(w, c->thinking);
  PUT(w, ",\"effort\":");
  put_effort(w, c->effort);
  PUT(w, ",\"context_management\":");
  put_context_management(w, c->context_management);
  PUT(w, ",\"server_tools\":");
  put_server_tools(w, c->server_tools);
  PUT(w, "}");
}

/* About the size of a model with every capability: one allocation. */
#define MODEL_JSON_GUESS 1536

char *anthropic_model_info_json(const anthropic_model_info_t *model) {
  if (model == NULL || anth__in_alloc)
    return NULL;
  jw_t w = {{NULL, 0, 0}, true};
  if (anth__buf_reserve(&w.b, MODEL_JSON_GUESS) != 0)
    return NULL;
  PUT(&w, "{\"id\":");
  put_str(&w, model->id);
  PUT(&w, ",\"type\":");
  put_str(&w, model->type);
  PUT(&w, ",\"display_name\":");
  put_str(&w, model->display_name);
  PUT(&w, ",\"created_at\":");
  put_time(&w, &model->created_at);
  PUT(&w, ",\"max_input_tokens\":");
  put_opt_int(&w, &model->max_input_tokens);
  PUT(&w, ",\"max_tokens\":");
  put_opt_int(&w, &model->max_tokens);
  PUT(&w, ",\"lifecycle\":");
  put_opt_str(&w, &model->lifecycle);
  PUT(&w, ",\"line\":");
  put_opt_str(&w, &model->line);
  PUT(&w, ",\"deprecated_at\":");
  put_time(&w, &model->deprecated_at);
  PUT(&w, ",\"retires_at\":");
  put_time(&w, &model->retires_at);
  PUT(&w, ",\"capabilities\":");
  put_capabilities(&w, model->capabilities);
  PUT(&w, "}");
  if (!w.ok) {
    anth__buf_free(&w.b);
    return NULL;
  }
  return w.b.data;
}

void anthropic_free(void *p) {
  anth__free(p);
}
