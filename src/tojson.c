/* tojson.c - a ModelInfo back to JSON, from its typed fields: one object
 * with every field of the schema, in the schema's order (null where the
 * API sent null or nothing). Written straight into one growing buffer, in
 * cJSON's unformatted form byte for byte (its escapes included): a tree
 * of cJSON nodes cost a hundred allocations an answer, most of a cached
 * resolve-server answer's time. */
#include "internal.h"

#include <inttypes.h>
#include <stddef.h>
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

/* The table written from (its rows in runs, a run for each struct: the
 * run of struct s is rows[first[s]..end[s])), and the structs of the
 * model its offsets count from. */
typedef struct caps {
  const anth_cap_row_t *rows;
  size_t first[ANTH_CAPS_COUNT], end[ANTH_CAPS_COUNT];
  const char *at[ANTH_CAPS_COUNT];
} caps_t;

/* The rows of the object `container` (the ANTH_CAPC_ of a set object,
 * its rows in the run of `strct`), depth first; `open` starts the object: "{"
 * for one with no "supported" of its own, put_supported() for a group. */
static void put_object(jw_t *w, const anthropic_model_info_t *m,
                       const caps_t *t, unsigned container, unsigned strct,
                       bool open) {
  bool first = open;
  for (size_t i = t->first[strct]; i < t->end[strct]; i++) {
    const anth_cap_row_t *r = &t->rows[i];
    if (r->parent != container)
      continue;
    if (first) /* {"key": */
      PUT(w, "{");
    put(w, r->comma_key + first, r->comma_key_len - first);
    first = false;
    const char *field = t->at[r->strct] + r->offset;
    switch (r->kind) {
    case ANTH_CAP_FIELD:
      put_cap(w, (const anthropic_capability_t *)(const void *)field);
      break;
    case ANTH_CAP_GROUP: {
      /* The group's own state and "supported", where they are in every
       * group's struct (checked in parse.c). */
      const char *g = t->at[r->group];
      if (*(const anthropic_presence_t
                *)(const void *)(g + offsetof(anthropic_capability_t, state)) !=
          ANTHROPIC_FIELD_SET) {
        PUT(w, "null");
        break;
      }
      put_supported(
          w, *(const bool *)(g + offsetof(anthropic_capability_t, supported)));
      put_object(w, m, t, r->own, r->group, false);
      PUT(w, "}");
      break;
    }
    case ANTH_CAP_OBJECT:
      if (*(const anthropic_presence_t *)(const void *)field !=
          ANTHROPIC_FIELD_SET) {
        PUT(w, "null");
        break;
      }
      put_object(w, m, t, r->own, r->strct, true);
      PUT(w, "}");
      break;
    default: { /* ANTH_CAP_PATH: from the JSON text */
      anthropic_capability_t c;
      c.state = anthropic_model_capability(m, r->path, &c.supported);
      put_cap(w, &c);
      break;
    }
    }
  }
  if (first)
    PUT(w, "{"); /* an object with no row at all */
}

static void put_capabilities(jw_t *w, const anthropic_model_info_t *m,
                             const anth_cap_row_t *rows, size_t n) {
  caps_t t;
  if (m->capabilities->state != ANTHROPIC_FIELD_SET) {
    PUT(w, "null");
    return;
  }
  t.rows = rows;
  anth__caps_structs(m->capabilities, t.at);
  memset(t.first, 0, sizeof t.first);
  memset(t.end, 0, sizeof t.end);
  for (size_t i = n; i-- > 0;) {
    if (t.end[rows[i].strct] == 0)
      t.end[rows[i].strct] = i + 1;
    t.first[rows[i].strct] = i;
  }
  put_object(w, m, &t, ANTH_CAPC_capabilities, ANTH_CAPS_capabilities, true);
  PUT(w, "}");
}

/* About the size of a model with every capability: one allocation. */
#define MODEL_JSON_GUESS 1536

char *anthropic_model_info_json(const anthropic_model_info_t *model) {
  return anth__model_json(model, anth__caps, ANTH_CAP_ROWS);
}

char *anth__model_json(const anthropic_model_info_t *model,
                       const anth_cap_row_t *rows, size_t n) {
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
  put_capabilities(&w, model, rows, n);
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
