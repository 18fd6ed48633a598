/* tojson.c - a ModelInfo back to JSON, from its typed fields: one object
 * with every field of the schema, in the schema's order (null where the
 * API sent null or nothing). Uses cJSON to build, like the error bodies. */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>

/* Add `item` under `key`; false (and `item` freed) when either failed. */
static bool add(cJSON *obj, const char *key, cJSON *item) {
  if (item == NULL)
    return false;
  if (!cJSON_AddItemToObject(obj, key, item)) {
    cJSON_Delete(item);
    return false;
  }
  return true;
}

/* Return `obj` when every add into it went well, else free it. */
static cJSON *built(cJSON *obj, bool ok) {
  if (!ok) {
    cJSON_Delete(obj);
    return NULL;
  }
  return obj;
}

static cJSON *json_str(const char *s) {
  return s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *json_opt_str(const anthropic_opt_str_t *v) {
  return json_str(v->state == ANTHROPIC_FIELD_SET ? v->value : NULL);
}

static cJSON *json_time(const anthropic_time_t *t) {
  return json_str(t->state == ANTHROPIC_FIELD_SET ? t->text : NULL);
}

/* Integers go out as raw text: exact even beyond a double's 53 bits. */
static cJSON *json_opt_int(const anthropic_opt_int_t *v) {
  char buf[32];
  if (v->state != ANTHROPIC_FIELD_SET)
    return cJSON_CreateNull();
  (void)snprintf(buf, sizeof buf, "%" PRId64, v->value);
  return cJSON_CreateRaw(buf);
}

/* {"supported": b}, the start of every capability object. */
static cJSON *json_supported(bool supported) {
  cJSON *o = cJSON_CreateObject();
  if (o == NULL)
    return NULL;
  return built(o, add(o, "supported", cJSON_CreateBool(supported)));
}

static cJSON *json_cap(const anthropic_capability_t *c) {
  if (c->state != ANTHROPIC_FIELD_SET)
    return cJSON_CreateNull();
  return json_supported(c->supported);
}

static cJSON *json_thinking(const anthropic_thinking_capability_t *c) {
  cJSON *o, *types;
  if (c->state != ANTHROPIC_FIELD_SET)
    return cJSON_CreateNull();
  if ((o = json_supported(c->supported)) == NULL)
    return NULL;
  if (c->types != ANTHROPIC_FIELD_SET)
    return built(o, add(o, "types", cJSON_CreateNull()));
  if ((types = cJSON_CreateObject()) == NULL)
    return built(o, false);
  types = built(types,
                add(types, "adaptive", json_cap(&c->adaptive)) &&
                    add(types, "between_tools", json_cap(&c->between_tools)) &&
                    add(types, "disabled", json_cap(&c->disabled)) &&
                    add(types, "enabled", json_cap(&c->enabled)));
  return built(o, add(o, "types", types));
}

static cJSON *json_effort(const anthropic_effort_capability_t *c) {
  cJSON *o;
  if (c->state != ANTHROPIC_FIELD_SET)
    return cJSON_CreateNull();
  if ((o = json_supported(c->supported)) == NULL)
    return NULL;
  return built(o, add(o, "low", json_cap(&c->low)) &&
                      add(o, "medium", json_cap(&c->medium)) &&
                      add(o, "high", json_cap(&c->high)) &&
                      add(o, "max", json_cap(&c->max)) &&
                      add(o, "xhigh", json_cap(&c->xhigh)));
}

static cJSON *
json_context_management(const anthropic_context_management_capability_t *c) {
  cJSON *o;
  if (c->state != ANTHROPIC_FIELD_SET)
    return cJSON_CreateNull();
  if ((o = json_supported(c->supported)) == NULL)
    return NULL;
  return built(o,
               add(o, "clear_thinking_20251015",
                   json_cap(&c->clear_thinking_20251015)) &&
                   add(o, "clear_tool_uses_20250919",
                       json_cap(&c->clear_tool_uses_20250919)) &&
                   add(o, "compact_20260112", json_cap(&c->compact_20260112)));
}

static cJSON *json_server_tools(const anthropic_server_tools_capability_t *c) {
  cJSON *o;
  if (c->state != ANTHROPIC_FIELD_SET)
    return cJSON_CreateNull();
  if ((o = json_supported(c->supported)) == NULL)
    return NULL;
  return built(o, add(o, "code_execution", json_cap(&c->code_execution)) &&
                      add(o, "web_search", json_cap(&c->web_search)));
}

static cJSON *json_capabilities(const anthropic_capabilities_t *c) {
  cJSON *o;
  if (c->state != ANTHROPIC_FIELD_SET)
    return cJSON_CreateNull();
  if ((o = cJSON_CreateObject()) == NULL)
    return NULL;
  return built(
      o, add(o, "batch", json_cap(&c->batch)) &&
             add(o, "citations", json_cap(&c->citations)) &&
             add(o, "code_execution", json_cap(&c->code_execution)) &&
             add(o, "image_input", json_cap(&c->image_input)) &&
             add(o, "pdf_input", json_cap(&c->pdf_input)) &&
             add(o, "structured_outputs", json_cap(&c->structured_outputs)) &&
             add(o, "thinking", json_thinking(c->thinking)) &&
             add(o, "effort", json_effort(c->effort)) &&
             add(o, "context_management",
                 json_context_management(c->context_management)) &&
             add(o, "server_tools", json_server_tools(c->server_tools)));
}

/* A model, rebuilt from the parsed fields in the schema's order. */
static cJSON *json_model(const anthropic_model_info_t *m) {
  cJSON *o = cJSON_CreateObject();
  if (o == NULL)
    return NULL;
  return built(
      o, add(o, "id", json_str(m->id)) && add(o, "type", json_str(m->type)) &&
             add(o, "display_name", json_str(m->display_name)) &&
             add(o, "created_at", json_time(&m->created_at)) &&
             add(o, "max_input_tokens", json_opt_int(&m->max_input_tokens)) &&
             add(o, "max_tokens", json_opt_int(&m->max_tokens)) &&
             add(o, "lifecycle", json_opt_str(&m->lifecycle)) &&
             add(o, "line", json_opt_str(&m->line)) &&
             add(o, "deprecated_at", json_time(&m->deprecated_at)) &&
             add(o, "retires_at", json_time(&m->retires_at)) &&
             add(o, "capabilities", json_capabilities(m->capabilities)));
}

char *anthropic_model_info_json(const anthropic_model_info_t *model) {
  if (model == NULL || anth__in_alloc)
    return NULL;
  cJSON *o = json_model(model);
  if (o == NULL)
    return NULL;
  char *text = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  if (text == NULL)
    return NULL;
  /* cJSON's buffer, handed over in the library's own allocation. */
  char *out = anth__strdup(text);
  cJSON_free(text);
  return out;
}

void anthropic_free(void *p) {
  anth__free(p);
}
