/*
 * audit.c - `audit`: the inputs (the arguments, then --from FILE, then
 * stdin) read whole before the loop runs, resolved in one batch of the
 * library's resolver (one request per distinct alias, --concurrency at
 * once), each model judged with anthropic_model_lifecycle() at --now
 * within --within days, and one line per input written in input order
 * once every answer is in. The exit status says the worst: 1 a failure
 * that is no answer, 4 retired or unknown, 3 at risk, 0 none.
 */
#define _XOPEN_SOURCE 700 /* strdup, isatty, wcwidth: see cli.h */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include <uv.h>

#include "anthropic.h"
#include "cli.h"

/* What an input came to. */
typedef enum {
  V_PENDING, /* no answer yet (or cancelled by Ctrl-C) */
  V_JUDGED,  /* a model: `sum` says its risk */
  V_UNKNOWN, /* no model has this name: HTTP 404, or refused as invalid */
  V_FAILED   /* no answer: a network error, 5xx, 401, ... */
} verdict_t;

typedef struct audit_item {
  char *text; /* the input, as read (trimmed) */
  verdict_t verdict;
  item_error_t err;              /* V_UNKNOWN, V_FAILED */
  anthropic_model_info_t *model; /* V_JUDGED: a copy */
  anthropic_lifecycle_summary_t sum;
} audit_item_t;

/* The command's state (app->cmd). */
struct audit {
  audit_item_t *items;
  size_t count, cap;
  size_t *slot; /* the item of each index of the batch */
  size_t added;
  int64_t now;
  int early_status; /* not PROCEED: the run ended before the batch */
  bool interrupted, out_of_memory;
  anthropic_models_retrieve_params_t params;
  uv_signal_t sigint, sigterm;
  bool signals_open;
};

static struct audit *audit_of(const app_t *app) {
  return app->cmd;
}

/* Keep one input; false when out of memory. A NUL in it (a line of a
 * file) or bytes that are not UTF-8 refuse it at once: no model has such
 * a name. */
static bool add_item(struct audit *a, const char *text, size_t len) {
  audit_item_t *it;
  const char *refused = NULL;
  if (a->count == a->cap) {
    size_t cap = a->cap != 0 ? a->cap * 2 : 16;
    audit_item_t *grown = realloc(a->items, cap * sizeof *grown);
    if (grown == NULL)
      return false;
    a->items = grown;
    a->cap = cap;
  }
  it = &a->items[a->count];
  memset(it, 0, sizeof *it);
  if (memchr(text, '\0', len) != NULL) {
    refused = "input contains a NUL byte";
    len = strlen(text);
  } else if (!cli_utf8_valid(text, len)) {
    refused = "input is not valid UTF-8";
  }
  if ((it->text = malloc(len + 1)) == NULL)
    return false;
  memcpy(it->text, text, len);
  it->text[len] = '\0';
  if (refused != NULL) {
    it->verdict = V_UNKNOWN;
    it->err.kind = ANTHROPIC_EINVAL;
    if ((it->err.message = strdup(refused)) == NULL) {
      free(it->text);
      return false;
    }
  }
  a->count++;
  return true;
}

/* One line of a file: CR LF as LF, '#' to the end a comment, surrounding
 * blanks trimmed, a blank line skipped. False when out of memory. */
static bool add_line(struct audit *a, char *line, size_t len) {
  char *hash = memchr(line, '#', len);
  size_t first = 0;
  if (hash != NULL)
    len = (size_t)(hash - line);
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
                     line[len - 1] == ' ' || line[len - 1] == '\t'))
    len--;
  while (first < len && (line[first] == ' ' || line[first] == '\t'))
    first++;
  return first == len || add_item(a, line + first, len - first);
}

/* Every line of `f`; `name` says which in an error. PROCEED, or the exit
 * status (said on stderr). */
static int read_lines(struct audit *a, FILE *f, const char *name) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int status = PROCEED;
  errno = 0;
  while ((n = getline(&line, &cap, f)) != -1)
    if (!add_line(a, line, (size_t)n)) {
      (void)fputs(PROG ": out of memory\n", stderr);
      status = EXIT_FAILED;
      break;
    }
  if (status == PROCEED && ferror(f)) {
    int e = errno != 0 ? errno : EIO;
    (void)fputs(PROG ": reading ", stderr);
    cli_put_sanitized(stderr, name);
    (void)fprintf(stderr, ": %s\n", strerror(e));
    status = EXIT_FAILED;
  }
  free(line);
  return status;
}

/* The inputs: the arguments, then --from FILE, then stdin. PROCEED, or
 * the exit status (said on stderr). */
static int read_inputs(app_t *app) {
  struct audit *a = audit_of(app);
  const options_t *o = app->o;
  int status = PROCEED;
  for (size_t k = 0; k < o->ids_count; k++)
    if (!o->from_stdin && !add_item(a, o->ids[k], strlen(o->ids[k]))) {
      (void)fputs(PROG ": out of memory\n", stderr);
      return EXIT_FAILED;
    }
  if (o->from_file != NULL) {
    FILE *f = fopen(o->from_file, "r");
    if (f == NULL) {
      int e = errno;
      (void)fputs(PROG ": --from: cannot read '", stderr);
      cli_put_sanitized(stderr, o->from_file);
      (void)fprintf(stderr, "': %s (try --help)\n", strerror(e));
      return EXIT_USAGE;
    }
    status = read_lines(a, f, o->from_file);
    (void)fclose(f);
  }
  if (status == PROCEED && o->from_stdin)
    status = read_lines(a, stdin, "stdin");
  if (status == PROCEED && a->count == 0)
    status = cli_usage_error("'audit' got no model id or alias to audit");
  return status;
}

static void close_signals(struct audit *a) {
  if (!a->signals_open)
    return;
  a->signals_open = false;
  uv_close((uv_handle_t *)&a->sigint, NULL);
  uv_close((uv_handle_t *)&a->sigterm, NULL);
}

/* Ctrl-C (or SIGTERM): closing the client cancels the batch; what was
 * answered is written. The handles close at once, so a second Ctrl-C
 * kills as usual. */
static void on_signal(uv_signal_t *h, int signum) {
  app_t *app = h->data;
  (void)signum;
  audit_of(app)->interrupted = true;
  close_signals(audit_of(app));
  cli_close_client(app);
}

/* Not an answer about the model: the audit cannot say. */
static bool is_unknown(const anthropic_error_t *err) {
  return err->kind == ANTHROPIC_EINVAL ||
         (err->kind == ANTHROPIC_EHTTP && err->response->status == 404);
}

static void judge(app_t *app, audit_item_t *it, const anthropic_error_t *err,
                  const anthropic_model_info_t *model) {
  struct audit *a = audit_of(app);
  if (it->verdict != V_PENDING)
    return;
  if (err == NULL && model == NULL)
    err = anthropic_client_last_error(app->client); /* never, by contract */
  if (err != NULL) {
    if (err->kind == ANTHROPIC_ECANCELLED && a->interrupted)
      return; /* not an answer: left out */
    cli_err_keep(&it->err, err);
    it->verdict = is_unknown(err) ? V_UNKNOWN : V_FAILED;
    return;
  }
  if ((it->model = anthropic_model_info_copy(model)) == NULL) {
    a->out_of_memory = true;
    it->verdict = V_FAILED;
    it->err.kind = ANTHROPIC_ENOMEM;
    return;
  }
  it->sum = (anthropic_lifecycle_summary_t)ANTHROPIC_LIFECYCLE_SUMMARY_INIT;
  (void)anthropic_model_lifecycle(it->model, a->now, app->o->within_days,
                                  &it->sum);
  it->verdict = V_JUDGED;
}

static void on_resolved(const anthropic_error_t *err,
                        const anthropic_model_info_t *model, const char *alias,
                        size_t index, void *data) {
  app_t *app = data;
  struct audit *a = audit_of(app);
  (void)alias;
  if (index < a->added)
    judge(app, &a->items[a->slot[index]], err, model);
}

static void on_batch_done(anthropic_resolve_id_t id, void *data) {
  app_t *app = data;
  (void)id;
  close_signals(audit_of(app));
  cli_close_client(app);
}

/* The batch: every input not refused, in input order. */
static void start_batch(app_t *app) {
  struct audit *a = audit_of(app);
  anthropic_resolve_options_t ro = ANTHROPIC_RESOLVE_OPTIONS_INIT;
  anthropic_resolve_id_t batch;
  ro.concurrency = app->o->concurrency;
  a->params.size = sizeof a->params;
  a->params.options = app->reqopts_p;
  ro.params = &a->params; /* outlives the batch */
  if ((a->slot = malloc(a->count * sizeof *a->slot)) == NULL) {
    (void)fputs(PROG ": out of memory\n", stderr);
    a->early_status = EXIT_FAILED;
    cli_close_client(app);
    return;
  }
  batch = anthropic_resolve_start(app->client, &ro, on_resolved, on_batch_done,
                                  app);
  if (batch == 0) {
    const anthropic_error_t *err = anthropic_client_last_error(app->client);
    (void)fprintf(stderr, PROG ": %s\n",
                  err->message != NULL ? err->message
                                       : anthropic_strerror(err->kind));
    a->early_status = EXIT_FAILED;
    cli_close_client(app);
    return;
  }
  for (size_t k = 0; k < a->count; k++) {
    audit_item_t *it = &a->items[k];
    if (it->verdict != V_PENDING)
      continue; /* refused as read */
    if (anthropic_resolve_add(app->client, batch, it->text) != 0)
      judge(app, it, anthropic_client_last_error(app->client), NULL);
    else
      a->slot[a->added++] = k;
  }
  (void)anthropic_resolve_end(app->client, batch);
}

static void start(app_t *app) {
  struct audit *a = calloc(1, sizeof *a);
  int status;
  if (a == NULL) {
    (void)fputs(PROG ": out of memory\n", stderr);
    cli_close_client(app);
    return;
  }
  app->cmd = a;
  a->early_status = PROCEED;
  a->now = app->o->now_given ? app->o->now : (int64_t)time(NULL);
  if ((status = read_inputs(app)) != PROCEED) {
    a->early_status = status;
    cli_close_client(app);
    return;
  }
  uv_signal_init(&app->loop, &a->sigint);
  uv_signal_init(&app->loop, &a->sigterm);
  a->sigint.data = a->sigterm.data = app;
  uv_signal_start(&a->sigint, on_signal, SIGINT);
  uv_signal_start(&a->sigterm, on_signal, SIGTERM);
  uv_unref((uv_handle_t *)&a->sigint);
  uv_unref((uv_handle_t *)&a->sigterm);
  a->signals_open = true;
  start_batch(app);
}

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */

static const char *time_text(const anthropic_time_t *t) {
  return t->state == ANTHROPIC_FIELD_SET ? t->text : NULL;
}

/* The verdict's name; NULL for a failure (no verdict). */
static const char *risk_text(const audit_item_t *it) {
  switch (it->verdict) {
  case V_JUDGED:
    return anthropic_lifecycle_risk_name(it->sum.risk);
  case V_UNKNOWN:
    return "unknown";
  default:
    return NULL;
  }
}

static char *json_line(const audit_item_t *it) {
  cli_json_t j;
  const anthropic_model_info_t *m = it->model;
  bool judged = it->verdict == V_JUDGED;
  cli_json_begin(&j);
  cli_json_str(&j, "input", it->text);
  cli_json_str(&j, "id", judged ? m->id : NULL);
  cli_json_str(&j, "lifecycle", judged ? it->sum.state_text : NULL);
  cli_json_str(&j, "deprecated_at",
               judged ? time_text(&m->deprecated_at) : NULL);
  cli_json_str(&j, "retires_at", judged ? time_text(&m->retires_at) : NULL);
  if (judged && it->sum.retires)
    cli_json_int(&j, "days_to_retirement", it->sum.days_to_retirement);
  else
    cli_json_null(&j, "days_to_retirement");
  cli_json_str(&j, "risk", risk_text(it));
  if (!judged)
    cli_json_error(&j, "error", &it->err);
  return cli_json_end(&j);
}

enum {
  A_INPUT,
  A_ID,
  A_LIFECYCLE,
  A_DEPRECATED,
  A_RETIRES,
  A_DAYS,
  A_RISK,
  A_NCOLS
};

static const char *const a_titles[A_NCOLS] = {
    "INPUT", "ID", "LIFECYCLE", "DEPRECATED", "RETIRES", "DAYS", "RISK"};

/* A date cell: RFC 3339 starts with YYYY-MM-DD. */
static const char *date_cell(const anthropic_time_t *t, char *buf, size_t len) {
  const char *s = time_text(t);
  if (s == NULL)
    return "-";
  (void)snprintf(buf, len, "%.10s", s);
  return buf;
}

/* The cells of one row; `bufs` hold those that are built. */
static void row_cells(const audit_item_t *it, const char **cells,
                      char (*bufs)[64], char **risk) {
  const anthropic_model_info_t *m = it->model;
  for (int c = 0; c < A_NCOLS; c++)
    cells[c] = "-";
  cells[A_INPUT] = cli_shown_input(it->text);
  *risk = NULL;
  if (it->verdict == V_JUDGED) {
    const char *lc = it->sum.state_text;
    cells[A_ID] = m->id;
    cells[A_LIFECYCLE] = lc != NULL ? lc : "-";
    cells[A_DEPRECATED] = date_cell(&m->deprecated_at, bufs[0], 64);
    cells[A_RETIRES] = date_cell(&m->retires_at, bufs[1], 64);
    if (it->sum.retires) {
      (void)snprintf(bufs[2], 64, "%" PRId64, it->sum.days_to_retirement);
      cells[A_DAYS] = bufs[2];
    }
    cells[A_RISK] = risk_text(it);
    return;
  }
  if (it->verdict == V_PENDING)
    return;
  {
    const char *msg = cli_error_message(&it->err);
    size_t n = strlen(msg) + 128;
    if ((*risk = malloc(n)) != NULL) {
      if (it->err.status != 0)
        (void)snprintf(*risk, n, "%s (%s %ld: %s)",
                       it->verdict == V_UNKNOWN ? "unknown" : "error",
                       anthropic_err_name(it->err.kind), it->err.status, msg);
      else
        (void)snprintf(*risk, n, "%s (%s: %s)",
                       it->verdict == V_UNKNOWN ? "unknown" : "error",
                       anthropic_err_name(it->err.kind), msg);
      cells[A_RISK] = *risk;
    }
  }
}

static void print_table(const struct audit *a) {
  size_t widths[A_NCOLS];
  const char *cells[A_NCOLS];
  char bufs[3][64], *risk;
  for (int c = 0; c < A_NCOLS; c++)
    widths[c] = strlen(a_titles[c]);
  for (size_t k = 0; k < a->count; k++) {
    row_cells(&a->items[k], cells, bufs, &risk);
    for (int c = 0; c < A_NCOLS; c++) {
      size_t w = cli_display_width(cells[c]);
      if (w > widths[c])
        widths[c] = w;
    }
    free(risk);
  }
  cli_print_row(a_titles, widths, A_NCOLS, 1u << A_DAYS);
  for (size_t k = 0; k < a->count; k++) {
    if (a->items[k].verdict == V_PENDING)
      continue;
    row_cells(&a->items[k], cells, bufs, &risk);
    cli_print_row(cells, widths, A_NCOLS, 1u << A_DAYS);
    free(risk);
  }
}

/* A failure that is no answer, on stderr: which input, and why. */
static void report_failure(const audit_item_t *it) {
  (void)fputs(PROG ": ", stderr);
  cli_put_sanitized(stderr, cli_shown_input(it->text));
  (void)fprintf(stderr, ": %s", anthropic_err_name(it->err.kind));
  if (it->err.status != 0)
    (void)fprintf(stderr, " %ld", it->err.status);
  (void)fputs(": ", stderr);
  cli_put_sanitized(stderr, cli_error_message(&it->err));
  (void)fputc('\n', stderr);
}

static int report(app_t *app) {
  struct audit *a = audit_of(app);
  size_t at_risk = 0, gone = 0, failed = 0, pending = 0;
  int status = EXIT_OK;
  if (a == NULL) /* out of memory at the start, said then */
    return EXIT_FAILED;
  if (a->early_status != PROCEED)
    return a->early_status;
  if (app->o->format == FMT_TABLE)
    print_table(a);
  for (size_t k = 0; k < a->count; k++) {
    const audit_item_t *it = &a->items[k];
    switch (it->verdict) {
    case V_PENDING:
      pending++;
      continue;
    case V_JUDGED:
      at_risk += it->sum.risk == ANTHROPIC_RISK_AT_RISK;
      gone += it->sum.risk == ANTHROPIC_RISK_RETIRED;
      break;
    case V_UNKNOWN:
      gone++;
      break;
    case V_FAILED:
      failed++;
      report_failure(it);
      break;
    }
    if (app->o->format != FMT_TABLE && !cli_print_line(json_line(it)))
      a->out_of_memory = true;
  }
  (void)fprintf(stderr,
                "audit: %zu model%s, %zu at risk within %u day%s, %zu retired "
                "or unknown",
                a->count, a->count == 1 ? "" : "s", at_risk,
                app->o->within_days, app->o->within_days == 1 ? "" : "s", gone);
  if (failed > 0)
    (void)fprintf(stderr, ", %zu failed", failed);
  (void)fputc('\n', stderr);
  if (at_risk > 0)
    status = EXIT_AT_RISK;
  if (gone > 0)
    status = EXIT_RETIRED;
  if (failed > 0)
    status = EXIT_FAILED;
  if (a->out_of_memory) {
    (void)fputs(PROG ": out of memory: some lines were not written\n", stderr);
    status = EXIT_FAILED;
  }
  if (!cli_finish_stdout())
    status = EXIT_FAILED;
  if (a->interrupted) {
    (void)fprintf(stderr, PROG ": interrupted: %zu of %zu inputs not done\n",
                  pending, a->count);
    status = EXIT_INTERRUPTED;
  }
  return status;
}

static void free_audit(app_t *app) {
  struct audit *a = audit_of(app);
  if (a == NULL)
    return;
  for (size_t k = 0; k < a->count; k++) {
    free(a->items[k].text);
    cli_item_error_free(&a->items[k].err);
    if (a->items[k].model != NULL)
      anthropic_model_info_free(a->items[k].model);
  }
  free(a->items);
  free(a->slot);
  free(a);
  app->cmd = NULL;
}

const cli_command_t cli_audit_command = {start, report, free_audit};
