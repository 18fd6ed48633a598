/*
 * output.c - what the CLI writes: JSON lines (its one JSON string writer,
 * which escapes as cJSON prints), the rows of a table, and the sanitizer
 * every byte the server sent goes through on its way to a terminal. Also
 * the errors kept past their callback until they are written.
 */
#define _XOPEN_SOURCE 700 /* strdup, isatty, wcwidth: see cli.h */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "anthropic.h"
#include "cli.h"

static char *dup_or_null(const char *s, bool *ok) {
  char *d;
  if (s == NULL)
    return NULL;
  if ((d = strdup(s)) == NULL)
    *ok = false;
  return d;
}

void cli_item_error_free(item_error_t *e) {
  free(e->type);
  free(e->message);
  free(e->request_id);
  memset(e, 0, sizeof *e);
}

/* Keep `err` in `e`, copying its strings: it is only valid in the
 * callback. */
void cli_err_keep(item_error_t *e, const anthropic_error_t *err) {
  bool ok = true;
  cli_item_error_free(e);
  if (err == NULL) {
    e->kind = ANTHROPIC_EINVAL;
    return;
  }
  e->kind = err->kind;
  e->status = err->response->status;
  e->type = dup_or_null(err->type, &ok);
  e->message = dup_or_null(err->message, &ok);
  e->request_id = dup_or_null(err->response->request_id, &ok);
  if (!ok) {
    cli_item_error_free(e);
    e->kind = ANTHROPIC_ENOMEM;
  }
}

const char *cli_error_message(const item_error_t *e) {
  return e->message != NULL ? e->message : anthropic_strerror(e->kind);
}

/* The well-formed UTF-8 sequence at p (n > 0 bytes available): its
 * length; or 0, with *bad set to the bytes one U+FFFD stands for (the
 * maximal subpart, as the Unicode Standard recommends and decoders such
 * as WHATWG's do). Table 3-7: no overlong forms, no surrogates, nothing
 * past U+10FFFF. */
static size_t utf8_len(const unsigned char *p, size_t n, size_t *bad) {
  unsigned char c = p[0], lo = 0x80, hi = 0xbf;
  size_t len;
  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf)
    len = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c == 0xe0)
      lo = 0xa0; /* overlong below U+0800 */
    else if (c == 0xed)
      hi = 0x9f; /* U+D800..U+DFFF */
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c == 0xf0)
      lo = 0x90; /* overlong below U+10000 */
    else if (c == 0xf4)
      hi = 0x8f; /* past U+10FFFF */
  } else {
    *bad = 1; /* a continuation byte, C0, C1, F5..FF */
    return 0;
  }
  for (size_t i = 1; i < len; i++, lo = 0x80, hi = 0xbf)
    if (i >= n || p[i] < lo || p[i] > hi) {
      *bad = i;
      return 0;
    }
  return len;
}

/* Are the n bytes at s well-formed UTF-8? */
bool cli_utf8_valid(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t bad;
  for (size_t k = 0, len; k < n; k += len)
    if ((len = utf8_len(p + k, n - k, &bad)) == 0)
      return false;
  return true;
}

/* `s` as a JSON string, quotes included, written at d (at most 6 bytes a
 * byte of s, plus 2); returns the end. As cJSON prints it, except that
 * what is not UTF-8 becomes U+FFFD: every line written is strict JSON. */
static char *put_json_string(char *d, const char *s) {
  static const char hexd[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strlen(s), len, bad;
  *d++ = '"';
  for (size_t k = 0; k < n; k += len) {
    unsigned char c = p[k];
    char esc = 0;
    if ((len = utf8_len(p + k, n - k, &bad)) == 0) {
      *d++ = '\xef'; /* U+FFFD: 3 bytes for 1 or more */
      *d++ = '\xbf';
      *d++ = '\xbd';
      len = bad;
      continue;
    }
    if (len > 1) {
      memcpy(d, p + k, len);
      d += len;
      continue;
    }
    switch (c) {
    case '"':
      esc = '"';
      break;
    case '\\':
      esc = '\\';
      break;
    case '\b':
      esc = 'b';
      break;
    case '\f':
      esc = 'f';
      break;
    case '\n':
      esc = 'n';
      break;
    case '\r':
      esc = 'r';
      break;
    case '\t':
      esc = 't';
      break;
    default:
      break;
    }
    if (esc != 0) {
      *d++ = '\\';
      *d++ = esc;
    } else if (c < 0x20) {
      *d++ = '\\';
      *d++ = 'u';
      *d++ = '0';
      *d++ = '0';
      *d++ = hexd[c >> 4];
      *d++ = hexd[c & 15];
    } else {
      *d++ = (char)c;
    }
  }
  *d++ = '"';
  return d;
}

/* `lit` as it is, without its NUL; returns the end. */
static char *put(char *d, const char *lit) {
  while (*lit != '\0')
    *d++ = *lit++;
  return d;
}

/* `s` as a JSON string, or null. */
static char *put_json_value(char *d, const char *s) {
  return s != NULL ? put_json_string(d, s) : put(d, "null");
}

/* The most put_json_value() writes for `s`. */
static size_t json_room(const char *s) {
  return s != NULL ? 6 * strlen(s) + 2 : 4;
}

/* {KEY: input, "error": {"kind","status","type","message","request_id"}}:
 * the error line of get and list ("input") and of resolve ("alias"), in a
 * malloc'd buffer; NULL when out of memory. */
char *cli_failure_line(const char *key, const char *input,
                       const item_error_t *e) {
  const char *kind = anthropic_err_name(e->kind), *msg = cli_error_message(e);
  size_t cap = strlen(key) + json_room(input) + json_room(kind) +
               json_room(e->type) + json_room(msg) + json_room(e->request_id) +
               128;
  char *line = malloc(cap), *d = line;
  if (line == NULL)
    return NULL;
  d = put(put(put(d, "{\""), key), "\":");
  d = put_json_value(d, input);
  d = put_json_value(put(d, ",\"error\":{\"kind\":"), kind);
  d += snprintf(d, 32, ",\"status\":%ld", e->status);
  d = put_json_value(put(d, ",\"type\":"), e->type);
  d = put_json_value(put(d, ",\"message\":"), msg);
  d = put_json_value(put(d, ",\"request_id\":"), e->request_id);
  put(d, "}}");
  d[2] = '\0';
  return line;
}

/* Print `line` (freed) with its newline; false when it is NULL (out of
 * memory). */
bool cli_print_line(char *line) {
  if (line == NULL)
    return false;
  (void)fputs(line, stdout);
  (void)fputc('\n', stdout);
  free(line);
  return true;
}

/* The errno of the first flush of stdout that failed; 0: none yet. As
 * global as stdout itself. */
static int stdout_errno;

/* Flush stdout; false when this or an earlier write failed. */
bool cli_flush_stdout(void) {
  /* A write that failed inside fputs (a text longer than the buffer,
   * as --help's) leaves the flush nothing to fail: its errno is the
   * write's. */
  if ((fflush(stdout) != 0 || ferror(stdout)) && stdout_errno == 0)
    stdout_errno = errno != 0 ? errno : EIO;
  return stdout_errno == 0 && !ferror(stdout);
}

/* Flush stdout at the end of a run: false, said on stderr with the
 * reason, when this or any write before failed. */
bool cli_finish_stdout(void) {
  if (cli_flush_stdout())
    return true;
  (void)fprintf(stderr, PROG ": error writing to stdout: %s\n",
                strerror(stdout_errno != 0 ? stdout_errno : EIO));
  return false;
}

/* A model as one JSON line (the library's serialisation); false when out
 * of memory. */
bool cli_print_model_line(const anthropic_model_info_t *m) {
  char *s = anthropic_model_info_json(m);
  if (s == NULL)
    return false;
  (void)fputs(s, stdout);
  (void)fputc('\n', stdout);
  anthropic_free(s);
  return true;
}

/* {"alias","id","display_name"}: what resolve prints for a found alias, in
 * a malloc'd buffer. */
char *cli_resolved_line(const char *alias, const anthropic_model_info_t *m) {
  size_t cap =
      6 * (strlen(alias) + strlen(m->id) + strlen(m->display_name)) + 64;
  char *line = malloc(cap), *d = line;
  if (line == NULL)
    return NULL;
  d = put_json_string(put(d, "{\"alias\":"), alias);
  d = put_json_string(put(d, ",\"id\":"), m->id);
  d = put_json_string(put(d, ",\"display_name\":"), m->display_name);
  put(d, "}");
  d[1] = '\0';
  return line;
}

/* A model's line for an entry: the library's text, copied into a buffer
 * freed like the entry's other lines. */
char *cli_model_line(const anthropic_model_info_t *m) {
  char *s = anthropic_model_info_json(m), *line = NULL;
  if (s != NULL)
    line = strdup(s);
  anthropic_free(s);
  return line;
}

static const char *const col_titles[NCOLS] = {
    "ID", "DISPLAY NAME", "CREATED", "LIFECYCLE", "MAX IN", "MAX OUT"};

/* Columns of numbers are right-aligned. */
static bool col_right(int col) {
  return col == COL_MAX_IN || col == COL_MAX_OUT;
}

/* Terminal columns `s` takes, as sanitized by cli_put_sanitized(): one per
 * control character (printed as one replacement), the byte length when the
 * text is not valid in the locale's encoding. */
size_t cli_display_width(const char *s) {
  size_t len = strlen(s), width = 0, off = 0;
  mbstate_t st;
  memset(&st, 0, sizeof st);
  while (off < len) {
    wchar_t wc;
    size_t n = mbrtowc(&wc, s + off, len - off, &st);
    int w;
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
      return len;
    w = wcwidth(wc);
    width += w < 0 ? 1 : (size_t)w;
    off += n;
  }
  return width;
}

/* Print `s` to `f` with control characters (C0, DEL, C1 in UTF-8)
 * replaced, so a server's text cannot drive the terminal; whitespace
 * becomes a space. Everything the server sent goes through here, to stdout
 * (the table) and to stderr (--verbose). */
void cli_put_sanitized(FILE *f, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
    if (*p == '\t' || *p == '\n' || *p == '\r')
      (void)fputc(' ', f);
    else if (*p < 0x20 || *p == 0x7f)
      (void)fputc('?', f);
    else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
      (void)fputc('?', f);
      p++;
    } else
      (void)fputc(*p, f);
  }
}

static void put_spaces(size_t n) {
  while (n-- > 0)
    (void)fputc(' ', stdout);
}

/* The text of one cell; `buf` holds it when it is built. */
static const char *model_cell(const anthropic_model_info_t *m, int col,
                              char *buf, size_t len) {
  const anthropic_opt_int_t *num = NULL;
  const char *t;
  switch (col) {
  case COL_ID:
    return m->id != NULL ? m->id : "-";
  case COL_NAME:
    return m->display_name != NULL ? m->display_name : "-";
  case COL_CREATED:
    t = m->created_at.state == ANTHROPIC_FIELD_SET ? m->created_at.text : NULL;
    if (t == NULL)
      return "-";
    if (strlen(t) < 10)
      return t;
    (void)snprintf(buf, len, "%.10s", t); /* RFC 3339 starts with YYYY-MM-DD */
    return buf;
  case COL_LIFECYCLE:
    return m->lifecycle.state == ANTHROPIC_FIELD_SET &&
                   m->lifecycle.value != NULL
               ? m->lifecycle.value
               : "-";
  case COL_MAX_IN:
    num = &m->max_input_tokens;
    break;
  default:
    num = &m->max_tokens;
    break;
  }
  if (num->state != ANTHROPIC_FIELD_SET)
    return "-";
  (void)snprintf(buf, len, "%" PRId64, num->value);
  return buf;
}

static void print_cell(const char *text, size_t width, int col) {
  size_t w = cli_display_width(text);
  size_t pad = w < width ? width - w : 0; /* get: may not fit */
  if (col > 0)
    (void)fputs("  ", stdout);
  if (col_right(col))
    put_spaces(pad);
  cli_put_sanitized(stdout, text);
  if (!col_right(col) && col < NCOLS - 1)
    put_spaces(pad);
}

/* One row of models, or the header when `m` is NULL. */
void cli_print_model_row(const anthropic_model_info_t *m,
                         const size_t *widths) {
  char buf[32];
  for (int col = 0; col < NCOLS; col++)
    print_cell(m != NULL ? model_cell(m, col, buf, sizeof buf)
                         : col_titles[col],
               widths[col], col);
  (void)fputc('\n', stdout);
}

/* An empty argument would leave the ID cell blank: show it quoted. */
const char *cli_shown_input(const char *input) {
  return input[0] != '\0' ? input : "\"\"";
}

void cli_print_error_row(const char *input, const item_error_t *e,
                         const size_t *widths) {
  print_cell(cli_shown_input(input), widths[COL_ID], COL_ID);
  printf("  error: %s %ld ", anthropic_err_name(e->kind), e->status);
  cli_put_sanitized(stdout, cli_error_message(e));
  (void)fputc('\n', stdout);
}

void cli_widen(size_t *widths, const anthropic_model_info_t *m) {
  char buf[32];
  for (int col = 0; col < NCOLS; col++) {
    size_t w = cli_display_width(model_cell(m, col, buf, sizeof buf));
    if (w > widths[col])
      widths[col] = w;
  }
}

void cli_title_widths(size_t *widths) {
  for (int col = 0; col < NCOLS; col++)
    widths[col] = strlen(col_titles[col]);
}

/* --verbose: a page's size and cursors (the server's text) on stderr. */
void cli_print_page_cursors(const anthropic_models_page_t *p) {
  (void)fprintf(stderr, "%zu models, has_more %s, first_id ", p->count,
                p->has_more ? "true" : "false");
  cli_put_sanitized(stderr, p->first_id != NULL ? p->first_id : "null");
  (void)fputs(", last_id ", stderr);
  cli_put_sanitized(stderr, p->last_id != NULL ? p->last_id : "null");
  (void)fputc('\n', stderr);
}

/* ------------------------------------------------------------------ */
/* A JSON object built key by key (audit's and watch's lines)          */
/* ------------------------------------------------------------------ */

/* Room for `n` more bytes; false (and j->oom) when out of memory. */
static bool json_reserve(cli_json_t *j, size_t n) {
  char *grown;
  size_t cap;
  if (j->oom)
    return false;
  if (j->len + n + 1 <= j->cap)
    return true;
  cap = j->cap != 0 ? j->cap : 256;
  while (cap < j->len + n + 1)
    cap *= 2;
  if ((grown = realloc(j->buf, cap)) == NULL) {
    j->oom = true;
    return false;
  }
  j->buf = grown;
  j->cap = cap;
  return true;
}

/* A comma unless at the start of an object or array, then "KEY": when
 * `key` is not NULL (an array's element has none). */
static bool json_key(cli_json_t *j, const char *key) {
  char last = '{';
  if (!json_reserve(j, (key != NULL ? json_room(key) : 0) + 2))
    return false;
  if (j->len > 0)
    last = j->buf[j->len - 1];
  if (last != '{' && last != '[')
    j->buf[j->len++] = ',';
  if (key != NULL) {
    j->len = (size_t)(put_json_string(j->buf + j->len, key) - j->buf);
    j->buf[j->len++] = ':';
  }
  return true;
}

void cli_json_begin(cli_json_t *j) {
  memset(j, 0, sizeof *j);
  if (json_reserve(j, 1))
    j->buf[j->len++] = '{';
}

void cli_json_str(cli_json_t *j, const char *key, const char *val) {
  if (json_key(j, key) && json_reserve(j, json_room(val)))
    j->len = (size_t)(put_json_value(j->buf + j->len, val) - j->buf);
}

static void json_text(cli_json_t *j, const char *key, const char *text) {
  size_t n = strlen(text);
  if (json_key(j, key) && json_reserve(j, n)) {
    memcpy(j->buf + j->len, text, n);
    j->len += n;
  }
}

void cli_json_int(cli_json_t *j, const char *key, int64_t v) {
  char num[32];
  (void)snprintf(num, sizeof num, "%" PRId64, v);
  json_text(j, key, num);
}

void cli_json_uint(cli_json_t *j, const char *key, uint64_t v) {
  char num[32];
  (void)snprintf(num, sizeof num, "%" PRIu64, v);
  json_text(j, key, num);
}

void cli_json_bool(cli_json_t *j, const char *key, bool v) {
  json_text(j, key, v ? "true" : "false");
}

void cli_json_null(cli_json_t *j, const char *key) {
  json_text(j, key, "null");
}

void cli_json_open(cli_json_t *j, const char *key, char bracket) {
  char open[2] = {bracket, '\0'};
  json_text(j, key, open);
}

void cli_json_close(cli_json_t *j, char bracket) {
  if (json_reserve(j, 1))
    j->buf[j->len++] = bracket;
}

/* "KEY": {"kind","status","type","message","request_id"}, as in the
 * error lines of get and resolve. */
void cli_json_error(cli_json_t *j, const char *key, const item_error_t *e) {
  cli_json_open(j, key, '{');
  cli_json_str(j, "kind", anthropic_err_name(e->kind));
  cli_json_int(j, "status", e->status);
  cli_json_str(j, "type", e->type);
  cli_json_str(j, "message", cli_error_message(e));
  cli_json_str(j, "request_id", e->request_id);
  cli_json_close(j, '}');
}

/* The object closed, in a malloc'd buffer (the caller's); NULL when out
 * of memory at any step. */
char *cli_json_end(cli_json_t *j) {
  cli_json_close(j, '}');
  if (j->oom) {
    free(j->buf);
    j->buf = NULL;
    return NULL;
  }
  j->buf[j->len] = '\0';
  return j->buf;
}

/* One row of `n` cells, to stdout: each padded to its width (right-aligned
 * where bit k of `right` is set), two spaces apart; the last one is not
 * padded. Cells are sanitized. */
void cli_print_row(const char *const *cells, const size_t *widths, size_t n,
                   unsigned right) {
  for (size_t col = 0; col < n; col++) {
    size_t w = cli_display_width(cells[col]);
    size_t pad = w < widths[col] ? widths[col] - w : 0;
    bool r = (right >> col) & 1u;
    if (col > 0)
      (void)fputs("  ", stdout);
    if (r)
      put_spaces(pad);
    cli_put_sanitized(stdout, cells[col]);
    if (!r && col + 1 < n)
      put_spaces(pad);
  }
  (void)fputc('\n', stdout);
}
