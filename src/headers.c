/* headers.c - request headers: validation, ANTHROPIC_CUSTOM_HEADERS, and the
 * per-client lines built once. Pure functions: lines in, lines out. */
#include "internal.h"

#include <string.h>
#include <strings.h>

#define ANTH_MAX_HEADERS 64

static int is_tchar(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

/* No control characters but tab: CR and LF would split the header, and
 * the others are never meant and rejected by servers. */
int anth__header_value_ok(const char *value) {
  for (const unsigned char *p = (const unsigned char *)value; *p; p++)
    if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
      return 0;
  return 1;
}

int anth__header_line(const char *line, size_t len, anth_buf_t *out, char *err,
                      size_t errlen) {
  size_t n = 0;
  while (n < len && is_tchar((unsigned char)line[n]))
    n++;
  if (n == 0 || n >= len || line[n] != ':') {
    /* A malformed line is often a credential pasted in the wrong form
     * ("Authorization Bearer sk-..."): the message names the header only
     * when a name then a colon make it one, and never shows the rest. */
    size_t c = n;
    while (c < len && (line[c] == ' ' || line[c] == '\t'))
      c++;
    if (n > 0 && n <= 64 && c < len && line[c] == ':')
      anth__errf(err, errlen,
                 "header %.*s is not of the form \"Name: value\" (no space "
                 "before the colon)",
                 (int)n, line);
    else
      anth__errf(err, errlen, "not of the form \"Name: value\"");
    return ANTHROPIC_EINVAL;
  }
  size_t v = n + 1, end = len;
  while (v < end && (line[v] == ' ' || line[v] == '\t'))
    v++;
  while (end > v && (line[end - 1] == ' ' || line[end - 1] == '\t'))
    end--;
  for (size_t i = v; i < end; i++) {
    unsigned char c = (unsigned char)line[i];
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      anth__errf(err, errlen,
                 "header %.*s has a line break or control character in its "
                 "value",
                 (int)n, line);
      return ANTHROPIC_EINVAL;
    }
  }
  out->len = 0;
  /* curl drops a header written "Name:" with nothing after it; "Name;" is
   * its way to send one with an empty value. */
  int rc = end == v ? anth__buf_appendf(out, "%.*s;", (int)n, line)
                    : anth__buf_appendf(out, "%.*s: %.*s", (int)n, line,
                                        (int)(end - v), line + v);
  if (rc != 0) {
    anth__errf(err, errlen, "out of memory");
    return ANTHROPIC_ENOMEM;
  }
  return 0;
}

/* The headers of a client as a small set keyed by name: a later header of
 * the same name (case-insensitive) replaces an earlier one, so custom
 * headers override the built-in ones. */
typedef struct header_set {
  char *lines[ANTH_MAX_HEADERS];
  size_t count;
} header_set_t;

static size_t name_len(const char *line) {
  return strcspn(line, ":;");
}

static int set_put(header_set_t *s, anth_buf_t *line, char *err,
                   size_t errlen) {
  size_t n = name_len(line->data);
  for (size_t i = 0; i < s->count; i++) {
    if (name_len(s->lines[i]) == n &&
        strncasecmp(s->lines[i], line->data, n) == 0) {
      char *copy = anth__strdup(line->data);
      if (copy == NULL)
        goto nomem;
      anth__free(s->lines[i]);
      s->lines[i] = copy;
      return 0;
    }
  }
  if (s->count == ANTH_MAX_HEADERS) {
    anth__errf(err, errlen, "more than %d headers", ANTH_MAX_HEADERS);
    return ANTHROPIC_EINVAL;
  }
  if ((s->lines[s->count] = anth__strdup(line->data)) == NULL)
    goto nomem;
  s->count++;
  return 0;
nomem:
  anth__errf(err, errlen, "out of memory");
  return ANTHROPIC_ENOMEM;
}

static int put_builtin(header_set_t *s, anth_buf_t *tmp, const char *name,
                       const char *prefix, const char *value, char *err,
                       size_t errlen) {
  if (value == NULL || *value == '\0')
    return 0;
  if (!anth__header_value_ok(value)) {
    anth__errf(err, errlen,
               "the %s header value has a line break or control character "
               "(check the option or environment variable it came from)",
               name);
    return ANTHROPIC_EINVAL;
  }
  tmp->len = 0;
  if (anth__buf_appendf(tmp, "%s: %s%s", name, prefix, value) != 0) {
    anth__errf(err, errlen, "out of memory");
    return ANTHROPIC_ENOMEM;
  }
  return set_put(s, tmp, err, errlen);
}

static int put_custom_env(header_set_t *s, anth_buf_t *tmp, const char *text,
                          char *err, size_t errlen) {
  int lineno = 0;
  while (*text != '\0') {
    size_t len = strcspn(text, "\n");
    const char *next = text + len + (text[len] == '\n');
    lineno++;
    if (len > 0 && text[len - 1] == '\r')
      len--; /* tolerate CRLF line ends */
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t'))
      i++;
    if (i < len) {
      char sub[ANTH_ERRMSG_MAX] = "";
      int rc = anth__header_line(text + i, len - i, tmp, sub, sizeof sub);
      if (rc == 0)
        rc = set_put(s, tmp, sub, sizeof sub);
      if (rc != 0) {
        anth__errf(err, errlen, "ANTHROPIC_CUSTOM_HEADERS line %d: %s", lineno,
                   sub);
        return rc;
      }
    }
    text = next;
  }
  return 0;
}

/* `what` names the array in messages: "header" (the client's) or
 * "request header". */
static int put_lines(header_set_t *s, anth_buf_t *tmp, const char *what,
                     const char *const *lines, size_t count, char *err,
                     size_t errlen) {
  for (size_t i = 0; lines != NULL && i < count; i++) {
    const char *line = lines[i];
    char sub[ANTH_ERRMSG_MAX] = "";
    int rc;
    if (line == NULL) {
      anth__errf(err, errlen, "%s %zu is NULL", what, i);
      return ANTHROPIC_EINVAL;
    }
    if ((rc = anth__header_line(line, strlen(line), tmp, sub, sizeof sub)) !=
            0 ||
        (rc = set_put(s, tmp, sub, sizeof sub)) != 0) {
      anth__errf(err, errlen, "%s %zu: %s", what, i, sub);
      return rc;
    }
  }
  return 0;
}

/* Whether `name` is already among the comma-separated `list`. */
static int in_list(const char *list, size_t len, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < len;) {
    size_t j = i;
    while (j < len && list[j] != ',')
      j++;
    if (j - i == n && memcmp(list + i, name, n) == 0)
      return 1;
    i = j + 1;
  }
  return 0;
}

/* Add betas to the set's `anthropic-beta` line, creating it: one header,
 * comma-joined without spaces, each beta once. */
static int put_betas(header_set_t *s, anth_buf_t *tmp, const char *const *betas,
                     size_t count, char *err, size_t errlen) {
  static const char name[] = "anthropic-beta";
  if (betas == NULL || count == 0)
    return 0;
  tmp->len = 0;
  int rc = anth__buf_appends(tmp, "anthropic-beta: ");
  size_t start = tmp->len;
  for (size_t i = 0; rc == 0 && i < s->count; i++) {
    const char *l = s->lines[i];
    if (strncasecmp(l, name, sizeof name - 1) == 0 &&
        l[sizeof name - 1] == ':') {
      const char *v = l + sizeof name;
      while (*v == ' ')
        v++;
      rc = anth__buf_appends(tmp, v);
    }
  }
  for (size_t i = 0; rc == 0 && i < count; i++) {
    const char *b = betas[i];
    if (b == NULL || *b == '\0' || strpbrk(b, ", \t") != NULL ||
        !anth__header_value_ok(b)) {
      anth__errf(err, errlen,
                 "beta %zu is empty or has a comma, space or "
                 "control character",
                 i);
      return ANTHROPIC_EINVAL;
    }
    if (in_list(tmp->data + start, tmp->len - start, b))
      continue;
    if (tmp->len > start)
      rc = anth__buf_append(tmp, ",", 1);
    if (rc == 0)
      rc = anth__buf_appends(tmp, b);
  }
  if (rc != 0) {
    anth__errf(err, errlen, "out of memory");
    return ANTHROPIC_ENOMEM;
  }
  return set_put(s, tmp, err, errlen);
}

void anth__lines_free(anth_line_t *l) {
  while (l != NULL) {
    anth_line_t *next = l->next;
    anth__free(l->data);
    anth__free(l);
    l = next;
  }
}

/* The set's lines as a list, in order; the set gives its strings up. */
static int set_to_list(header_set_t *set, anth_line_t **out, char *err,
                       size_t errlen) {
  anth_line_t *list = NULL, **tail = &list;
  for (size_t i = 0; i < set->count; i++) {
    anth_line_t *l = anth__malloc(sizeof *l);
    if (l == NULL) {
      anth__lines_free(list);
      anth__errf(err, errlen, "out of memory");
      return ANTHROPIC_ENOMEM;
    }
    l->data = set->lines[i];
    l->next = NULL;
    set->lines[i] = NULL;
    *tail = l;
    tail = &l->next;
  }
  *out = list;
  return 0;
}

static void set_free(header_set_t *set) {
  for (size_t i = 0; i < set->count; i++)
    anth__free(set->lines[i]);
}

int anth__headers_build(const anth_header_config_t *cfg, anth_line_t **out,
                        char *err, size_t errlen) {
  header_set_t set = {{NULL}, 0};
  anth_buf_t tmp = {NULL, 0, 0};
  int rc;
  *out = NULL;

  if ((rc = put_builtin(&set, &tmp, "x-api-key", "", cfg->api_key, err,
                        errlen)) != 0 ||
      (rc = put_builtin(&set, &tmp, "authorization", "Bearer ", cfg->auth_token,
                        err, errlen)) != 0 ||
      (rc = put_builtin(&set, &tmp, "anthropic-version", "", cfg->version, err,
                        errlen)) != 0 ||
      (rc = put_builtin(&set, &tmp, "accept", "", "application/json", err,
                        errlen)) != 0 ||
      (rc = put_builtin(&set, &tmp, "user-agent", "", cfg->user_agent, err,
                        errlen)) != 0 ||
      (rc = put_betas(&set, &tmp, cfg->betas, cfg->betas_count, err, errlen)) !=
          0)
    goto done;
  if (cfg->custom_env != NULL &&
      (rc = put_custom_env(&set, &tmp, cfg->custom_env, err, errlen)) != 0)
    goto done;
  if ((rc = put_lines(&set, &tmp, "header", cfg->extra, cfg->extra_count, err,
                      errlen)) != 0)
    goto done;
  rc = set_to_list(&set, out, err, errlen);
done:
  set_free(&set);
  anth__buf_free(&tmp);
  return rc;
}

int anth__headers_for_request(const anth_line_t *client,
                              const anthropic_request_options_t *o,
                              anth_line_t **out, char *err, size_t errlen) {
  header_set_t set = {{NULL}, 0};
  anth_buf_t tmp = {NULL, 0, 0};
  int rc = 0;
  *out = NULL;
  /* The client's lines are already valid: copy them as they are. */
  for (const anth_line_t *l = client; rc == 0 && l; l = l->next) {
    tmp.len = 0;
    rc = anth__buf_appends(&tmp, l->data) != 0
             ? ANTHROPIC_ENOMEM
             : set_put(&set, &tmp, err, errlen);
  }
  if (rc == 0)
    rc = put_betas(&set, &tmp, o->betas, o->betas_count, err, errlen);
  if (rc == 0)
    rc = put_builtin(&set, &tmp, "anthropic-workspace-id", "", o->workspace_id,
                     err, errlen);
  if (rc == 0)
    rc = put_lines(&set, &tmp, "request header", o->headers, o->headers_count,
                   err, errlen);
  if (rc == 0)
    rc = set_to_list(&set, out, err, errlen);
  if (rc == ANTHROPIC_ENOMEM)
    anth__errf(err, errlen, "out of memory");
  set_free(&set);
  anth__buf_free(&tmp);
  return rc;
}
