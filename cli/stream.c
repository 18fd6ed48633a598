/*
 * stream.c - `get` and `resolve`: each input is handed to the library as
 * it is read (its queue keeps --concurrency in flight; for resolve, one
 * request per distinct alias), and one line per input is written in input
 * order, each as soon as it and every earlier one are known, flushed once
 * a loop turn. stdin is read only while fewer than a window of inputs (a
 * few times --concurrency) wait to be written, so what a run holds follows
 * the concurrency, not the input. Also the loop's other handles of a
 * stream: SIGINT/SIGTERM and the progress line.
 */
#define _XOPEN_SOURCE 700 /* strdup, isatty, wcwidth: see cli.h */

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "anthropic.h"
#include "cli.h"
#include "lines.h"

/* What one input, or one distinct alias, came to. */
typedef struct entry entry_t;

/* get and resolve: inputs streamed in, lines streamed out in order; the
 * command's state (app->cmd). */
struct stream {
  /* inputs read, not yet written: input k at inputs[k & (cap - 1)], for
   * written <= k < count; resolve: shared entries */
  entry_t **inputs;
  size_t count, cap, written, done;
  size_t window;   /* stdin waits while count - written is this many */
  entry_t **table; /* resolve: entries by alias, mask + 1 buckets */
  size_t mask, distinct;
  /* resolve: aliases written in full, kept for their repeats, oldest
   * first; at most `recent_max` */
  entry_t *recent_head, *recent_tail;
  size_t recent, recent_max;
  anthropic_resolve_id_t batch;    /* resolve: the batch adds go to */
  size_t batch_adds, batches_open; /* a batch takes `window` aliases */
  anthropic_models_retrieve_params_t retrieve_params; /* resolve's */
  size_t pending; /* get: retrieves not yet called back */
  bool input_done, interrupted, finishing, out_of_memory;
  bool read_failed;
  size_t failures;
  cli_lines_t in; /* stdin, read as it arrives */
  /* signals, progress, one flush a loop turn */
  uv_signal_t sigint, sigterm;
  uv_timer_t progress;
  uv_prepare_t flush; /* runs before the loop waits */
  bool ui_open, progress_shown, dirty;
  uint64_t started_ms;
  /* table: widths fitted to the rows known when the first is written */
  bool header_done;
  size_t widths[NCOLS];
};

static struct stream *stream_of(const app_t *app) {
  return app->cmd;
}

typedef enum { E_PENDING, E_DONE, E_STOPPED } entry_state_t;

/* What one input (get) or one distinct alias (resolve) came to. For
 * resolve every input naming the same alias points to one entry, so a
 * million lines of 114 aliases hold 114 entries and a million pointers,
 * whatever order the answers come in. */
struct entry {
  entry_t *hnext;         /* resolve: the alias table's chain */
  entry_t *rprev, *rnext; /* resolve: the recent list, when on it */
  app_t *app;
  uint64_t hash;
  size_t refs;         /* inputs that point here */
  size_t unwritten;    /* of those, not yet written */
  bool interned;       /* resolve: in the alias table */
  bool on_recent;      /* resolve: written in full, kept for repeats */
  entry_state_t state; /* E_STOPPED: cancelled by Ctrl-C, not written */
  bool failed;         /* then `err` is set */
  item_error_t err;
  char *line; /* JSON output, without the newline, once done */
  anthropic_model_info_t *model; /* get in a table: kept until written */
  char text[];                   /* the input as given (trimmed) */
};

static void on_flush(uv_prepare_t *h);

static uint64_t hash_text(const char *s) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (; *s != '\0'; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

/* An entry for `len` bytes of `text`. A NUL among them (in an input
 * refused for it) becomes U+FFFD, as the text is a C string. */
static entry_t *entry_new(app_t *app, const char *text, size_t len) {
  static const char fffd[] = "\xef\xbf\xbd";
  size_t nuls = 0, k = 0;
  entry_t *e;
  for (size_t i = 0; i < len; i++)
    nuls += text[i] == '\0';
  if ((e = calloc(1, sizeof *e + len + nuls * 2 + 1)) == NULL)
    return NULL;
  e->app = app;
  for (size_t i = 0; i < len; i++)
    if (text[i] != '\0')
      e->text[k++] = text[i];
    else {
      memcpy(e->text + k, fffd, 3);
      k += 3;
    }
  e->text[k] = '\0';
  e->hash = hash_text(e->text);
  return e;
}

static void entry_free(entry_t *e) {
  cli_item_error_free(&e->err);
  free(e->line);
  if (e->model != NULL)
    anthropic_model_info_free(e->model);
  free(e);
}

static entry_t *entry_find(const struct stream *st, const char *text,
                           uint64_t h) {
  if (st->table == NULL)
    return NULL;
  for (entry_t *e = st->table[h & st->mask]; e != NULL; e = e->hnext)
    if (e->hash == h && strcmp(e->text, text) == 0)
      return e;
  return NULL;
}

/* resolve: the one entry of an alias, made the first time it is seen;
 * NULL when out of memory. The table doubles at a load of 1. */
static entry_t *entry_intern(app_t *app, const char *text, size_t len) {
  struct stream *st = stream_of(app);
  entry_t *e = entry_new(app, text, len), *old;
  if (e == NULL)
    return NULL;
  if ((old = entry_find(st, e->text, e->hash)) != NULL) {
    free(e);
    return old;
  }
  if (st->table == NULL || st->distinct > st->mask) {
    size_t n = st->table == NULL ? 256 : (st->mask + 1) * 2;
    entry_t **t = calloc(n, sizeof(entry_t *));
    if (t == NULL) {
      free(e);
      return NULL;
    }
    for (size_t i = 0; st->table != NULL && i <= st->mask; i++)
      while (st->table[i] != NULL) {
        entry_t *m = st->table[i];
        st->table[i] = m->hnext;
        m->hnext = t[m->hash & (n - 1)];
        t[m->hash & (n - 1)] = m;
      }
    free(st->table);
    st->table = t;
    st->mask = n - 1;
  }
  e->hnext = st->table[e->hash & st->mask];
  st->table[e->hash & st->mask] = e;
  e->interned = true;
  st->distinct++;
  return e;
}

/* Input k (written <= k < count). */
static entry_t **input_at(const struct stream *st, size_t k) {
  return &st->inputs[k & (st->cap - 1)];
}

/* Room for one more input, made before its request starts: a request
 * whose input could not be kept would have nowhere to write. The ring
 * holds the inputs not yet written: a window's worth from stdin, every
 * argument at most. */
static bool reserve_input(struct stream *st) {
  if (st->count - st->written == st->cap) {
    size_t n = st->cap ? st->cap * 2 : 64;
    entry_t **a = malloc(n * sizeof(entry_t *));
    if (a == NULL)
      return false;
    for (size_t k = st->written; k < st->count; k++)
      a[k & (n - 1)] = *input_at(st, k);
    free(st->inputs);
    st->inputs = a;
    st->cap = n;
  }
  return true;
}

static bool is_resolve(const app_t *app) {
  return app->o->command == CMD_RESOLVE;
}

static bool is_table(const app_t *app) {
  return app->o->format == FMT_TABLE;
}

/* An entry's outcome is known: keep what its lines need, nothing more.
 * A cancel that Ctrl-C caused is no outcome: that input is not written. */
static void entry_finish(app_t *app, entry_t *e, const anthropic_error_t *err,
                         const anthropic_model_info_t *model) {
  struct stream *st = stream_of(app);
  const char *key = is_resolve(app) ? "alias" : "input";
  if (e->state != E_PENDING)
    return;
  if (err != NULL && err->kind == ANTHROPIC_ECANCELLED && st->interrupted) {
    e->state = E_STOPPED;
    return;
  }
  e->state = E_DONE;
  st->done += is_resolve(app) ? e->refs : 1;
  if (err == NULL && model == NULL)
    err = anthropic_client_last_error(app->client); /* never, by contract */
  if (err != NULL) {
    e->failed = true;
    cli_err_keep(&e->err, err);
    if (!is_table(app))
      e->line = cli_failure_line(key, e->text, &e->err);
  } else if (is_resolve(app)) {
    e->line = cli_resolved_line(e->text, model);
  } else if (is_table(app)) {
    e->model = anthropic_model_info_copy(model);
  } else {
    e->line = cli_model_line(model);
  }
  if (is_table(app) ? (!e->failed && e->model == NULL) : e->line == NULL)
    st->out_of_memory = true; /* its line is left out, and said so */
}

/* Clear the progress line before anything else goes to stderr. */
static void progress_clear(struct stream *st) {
  if (st->progress_shown) {
    (void)fputs("\r\033[K", stderr);
    (void)fflush(stderr);
  }
  st->progress_shown = false;
}

/* One human line a failure, so `| jq -r .id` never fails silently. */
static void report_failure(struct stream *st, const entry_t *e) {
  progress_clear(st);
  (void)fputs(PROG ": ", stderr);
  cli_put_sanitized(stderr, e->text[0] != '\0' ? e->text : "\"\"");
  (void)fprintf(stderr, ": %s", anthropic_err_name(e->err.kind));
  if (e->err.status != 0)
    (void)fprintf(stderr, " %ld", e->err.status);
  (void)fputs(": ", stderr);
  cli_put_sanitized(stderr, cli_error_message(&e->err));
  (void)fputc('\n', stderr);
}

/* Table: the header, with widths fitted to every row known now, and at
 * least what today's ids and names take, so that rows known later line
 * up too (a wider one is printed whole, unaligned). */
static void stream_header(struct stream *st) {
  static const size_t at_least[NCOLS] = {30, 20, 10, 10, 7, 7};
  cli_title_widths(st->widths);
  for (int col = 0; col < NCOLS; col++)
    if (st->widths[col] < at_least[col])
      st->widths[col] = at_least[col];
  for (size_t k = st->written; k < st->count; k++) {
    const entry_t *e = *input_at(st, k);
    if (e == NULL || e->state != E_DONE)
      continue;
    if (e->model != NULL)
      cli_widen(st->widths, e->model);
    else if (cli_display_width(e->text) > st->widths[COL_ID])
      st->widths[COL_ID] = cli_display_width(e->text);
  }
  cli_print_model_row(NULL, st->widths);
  st->header_done = true;
}

static void write_entry(app_t *app, const entry_t *e) {
  struct stream *st = stream_of(app);
  if (is_table(app)) {
    if (!st->header_done)
      stream_header(st);
    if (e->failed)
      cli_print_error_row(e->text, &e->err, st->widths);
    else if (e->model != NULL)
      cli_print_model_row(e->model, st->widths);
  } else if (e->line != NULL) {
    (void)fputs(e->line, stdout);
    (void)fputc('\n', stdout);
  }
  if (e->failed) {
    st->failures++;
    report_failure(st, e);
  }
  st->dirty = true;
}

/* resolve: an alias whose every input is written, and that no input to
 * come will need (the end of input, or it is the oldest of too many kept
 * for repeats). Its entry leaves the table and is freed, so that what a
 * run holds is what is in flight, waits to be written, or is recent. */
static void entry_retire(struct stream *st, entry_t *e) {
  entry_t **p = &st->table[e->hash & st->mask];
  while (*p != e)
    p = &(*p)->hnext;
  *p = e->hnext;
  st->distinct--;
  entry_free(e);
}

static void recent_unlink(struct stream *st, entry_t *e) {
  *(e->rprev != NULL ? &e->rprev->rnext : &st->recent_head) = e->rnext;
  *(e->rnext != NULL ? &e->rnext->rprev : &st->recent_tail) = e->rprev;
  e->rprev = e->rnext = NULL;
  e->on_recent = false;
  st->recent--;
}

/* resolve: an alias written in full is kept for its repeats, the most
 * recent `recent_max` of them (a million lines of 114 aliases keep 114
 * entries); an older one goes, and a repeat of it asks again. */
static void recent_push(struct stream *st, entry_t *e) {
  e->rprev = st->recent_tail;
  e->rnext = NULL;
  *(st->recent_tail != NULL ? &st->recent_tail->rnext : &st->recent_head) = e;
  st->recent_tail = e;
  e->on_recent = true;
  st->recent++;
  while (st->recent > st->recent_max && st->recent_head != NULL) {
    entry_t *old = st->recent_head;
    recent_unlink(st, old);
    entry_retire(st, old);
  }
}

/* At the end of input: retire the aliases already written in full. */
static void retire_written(struct stream *st) {
  while (st->recent_head != NULL) {
    entry_t *e = st->recent_head;
    recent_unlink(st, e);
    entry_retire(st, e);
  }
}

/* Write every input whose line is known and all before it are out. A
 * get entry serves one input: it is freed once written. stdin, paused
 * with a full window, goes on once half of it is out. */
static void write_ready(app_t *app) {
  struct stream *st = stream_of(app);
  while (st->written < st->count &&
         (*input_at(st, st->written))->state == E_DONE) {
    entry_t *e = *input_at(st, st->written);
    write_entry(app, e); /* a table's header fits this row too */
    *input_at(st, st->written) = NULL;
    if (!e->interned)
      entry_free(e); /* it served this input alone */
    else if (--e->unwritten == 0)
      recent_push(st, e);
    st->written++;
  }
  if (st->in.paused && st->count - st->written <= st->window / 2)
    cli_lines_resume(&st->in);
  if (st->dirty && st->ui_open)
    uv_prepare_start(&st->flush, on_flush);
}

/* After Ctrl-C: what is done, in input order, past the first that is not. */
static void write_rest(app_t *app) {
  struct stream *st = stream_of(app);
  for (size_t k = st->written; k < st->count; k++) {
    const entry_t *e = *input_at(st, k);
    if (e != NULL && e->state == E_DONE)
      write_entry(app, e);
  }
}

/* Once a loop turn with something written, just before the loop waits:
 * one write(2) for many lines, and nothing held while it waits. */
static void on_flush(uv_prepare_t *h) {
  app_t *app = h->data;
  (void)cli_flush_stdout(); /* a failure is said at the end */
  stream_of(app)->dirty = false;
  uv_prepare_stop(h);
}

static void on_progress(uv_timer_t *t) {
  app_t *app = t->data;
  struct stream *st = stream_of(app);
  double secs = (double)(uv_now(&app->loop) - st->started_ms) / 1000.0;
  (void)fprintf(stderr, "\r\033[K" PROG ": %zu/%zu%s done, %.0f/s", st->done,
                st->count, st->input_done ? "" : "+",
                secs > 0 ? (double)st->done / secs : 0.0);
  (void)fflush(stderr);
  st->progress_shown = true;
}

static void close_ui(app_t *app) {
  struct stream *st = stream_of(app);
  if (!st->ui_open)
    return;
  st->ui_open = false;
  uv_close((uv_handle_t *)&st->sigint, NULL);
  uv_close((uv_handle_t *)&st->sigterm, NULL);
  uv_close((uv_handle_t *)&st->progress, NULL);
  uv_close((uv_handle_t *)&st->flush, NULL);
}

/* Everything has called back (or Ctrl-C): close what we opened and the
 * client, so that the loop runs out. */
static void stream_finish(app_t *app) {
  struct stream *st = stream_of(app);
  if (st->finishing)
    return;
  st->finishing = true;
  close_ui(app);
  cli_lines_close(&st->in);
  cli_close_client(app);
}

static void maybe_finish(app_t *app) {
  struct stream *st = stream_of(app);
  if (st->input_done &&
      (is_resolve(app) ? st->batches_open == 0 : st->pending == 0))
    stream_finish(app);
}

/* No more inputs will come. */
static void input_end(app_t *app) {
  struct stream *st = stream_of(app);
  if (st->input_done)
    return;
  st->input_done = true;
  if (is_resolve(app) && !st->interrupted && st->batch != 0)
    (void)anthropic_resolve_end(app->client, st->batch);
  st->batch = 0;
  retire_written(st);
  maybe_finish(app);
}

static void on_resolved(const anthropic_error_t *err,
                        const anthropic_model_info_t *model, const char *alias,
                        size_t index, void *data) {
  app_t *app = data;
  entry_t *e = entry_find(stream_of(app), alias, hash_text(alias));
  (void)index; /* every input of an alias shares its entry */
  if (e != NULL) {
    entry_finish(app, e, err, model);
    write_ready(app);
  }
}

static void on_batch_done(anthropic_resolve_id_t id, void *data) {
  app_t *app = data;
  struct stream *st = stream_of(app);
  if (st->batch == id)
    st->batch = 0; /* cancelled, as the client closed */
  st->batches_open--;
  maybe_finish(app);
}

/* resolve: a batch for one more alias. One batch takes a window's worth,
 * then ends, so that what the library keeps for a batch's aliases until
 * its end is bounded too. 0 when none could start (the client's last
 * error says why). */
static anthropic_resolve_id_t batch_for_add(app_t *app) {
  struct stream *st = stream_of(app);
  anthropic_resolve_options_t ro = ANTHROPIC_RESOLVE_OPTIONS_INIT;
  if (st->batch != 0 && st->batch_adds < st->window)
    return st->batch;
  if (st->batch != 0)
    (void)anthropic_resolve_end(app->client, st->batch);
  ro.concurrency = app->o->concurrency;
  ro.params = &st->retrieve_params; /* outlives the batch */
  st->batch = anthropic_resolve_start(app->client, &ro, on_resolved,
                                      on_batch_done, app);
  st->batch_adds = 0;
  if (st->batch != 0)
    st->batches_open++;
  return st->batch;
}

static void on_got(const anthropic_error_t *err,
                   const anthropic_model_info_t *model, void *data) {
  entry_t *e = data;
  app_t *app = e->app;
  stream_of(app)->pending--;
  entry_finish(app, e, err, model);
  write_ready(app);
  maybe_finish(app);
}

/* Why an input is refused before any request, or NULL: it is no id a
 * server could have, and a C string would cut it. */
static const char *refusal(const char *text, size_t len, bool too_long) {
  if (too_long)
    return "input line longer than 1024 bytes";
  if (memchr(text, '\0', len) != NULL)
    return "input contains a NUL byte";
  if (!cli_utf8_valid(text, len))
    return "input is not valid UTF-8";
  return NULL;
}

/* One input: an argument, or a line of stdin. A line past MAX_LINE is an
 * error line of its own (its first bytes shown), as is one with a NUL in
 * it or one that is not UTF-8. Returns false when out of memory, which
 * ends the run. */
static bool add_input(app_t *app, const char *text, size_t len, bool too_long) {
  struct stream *st = stream_of(app);
  const char *refused = refusal(text, len, too_long);
  entry_t *e;
  if (!reserve_input(st)) {
    st->out_of_memory = true;
    return false;
  }
  if (refused != NULL) {
    static const anthropic_response_t none = {0, NULL, -1, -1, NULL};
    anthropic_error_t err = {0};
    err.kind = ANTHROPIC_EINVAL;
    err.response = &none; /* never NULL, as the library's */
    err.message = refused;
    if ((e = entry_new(app, text, too_long && len > 64 ? 64 : len)) != NULL) {
      e->refs = 1;
      entry_finish(app, e, &err, NULL);
    }
  } else if (is_resolve(app)) {
    if ((e = entry_intern(app, text, len)) != NULL) {
      anthropic_resolve_id_t batch;
      if (e->on_recent)
        recent_unlink(st, e); /* wanted again */
      if (e->refs++ > 0) {
        if (e->state == E_DONE)
          st->done++;
      } else if ((batch = batch_for_add(app)) == 0 ||
                 anthropic_resolve_add(app->client, batch, e->text) != 0)
        entry_finish(app, e, anthropic_client_last_error(app->client), NULL);
      else
        st->batch_adds++;
      e->unwritten++;
    }
  } else if ((e = entry_new(app, text, len)) != NULL) {
    anthropic_models_retrieve_params_t params = {
        .size = sizeof(anthropic_models_retrieve_params_t),
        .options = app->reqopts_p};
    anthropic_request_id_t req =
        cli_use_beta(app) ? anthropic_beta_models_retrieve(app->client, e->text,
                                                           &params, on_got, e)
                          : anthropic_models_retrieve(app->client, e->text,
                                                      &params, on_got, e);
    e->refs = 1;
    if (req == 0)
      entry_finish(app, e, anthropic_client_last_error(app->client), NULL);
    else
      st->pending++;
  }
  if (e == NULL) {
    st->out_of_memory = true;
    return false;
  }
  *input_at(st, st->count++) = e;
  write_ready(app);
  return true;
}

/* stdin, one input a line; out of memory (or Ctrl-C) stops reading, a
 * full window pauses it. */
static bool on_line(void *data, const char *text, size_t len, bool too_long) {
  app_t *app = data;
  struct stream *st = stream_of(app);
  if (st->finishing || !add_input(app, text, len, too_long))
    return false;
  if (st->count - st->written >= st->window)
    cli_lines_pause(&st->in);
  return true;
}

static void on_read_error(void *data, const char *what) {
  app_t *app = data;
  progress_clear(stream_of(app));
  (void)fprintf(stderr, PROG ": %s\n", what);
  stream_of(app)->read_failed = true;
}

static void on_lines_end(void *data) {
  input_end(data);
}

/* Ctrl-C (or SIGTERM): stop reading, cancel what is in flight by closing
 * the client; the lines that are done are written at the end. The signal
 * handles close at once, so a second Ctrl-C kills as usual. */
static void on_signal(uv_signal_t *h, int signum) {
  app_t *app = h->data;
  struct stream *st = stream_of(app);
  (void)signum;
  st->interrupted = true;
  st->input_done = true;
  stream_finish(app);
}

/* The loop's side of a stream: signals, progress, the flush. None of them
 * keeps the loop alive. */
static void open_ui(app_t *app) {
  struct stream *st = stream_of(app);
  uv_signal_init(&app->loop, &st->sigint);
  uv_signal_init(&app->loop, &st->sigterm);
  uv_timer_init(&app->loop, &st->progress);
  uv_prepare_init(&app->loop, &st->flush);
  st->sigint.data = st->sigterm.data = st->progress.data = st->flush.data = app;
  uv_signal_start(&st->sigint, on_signal, SIGINT);
  uv_signal_start(&st->sigterm, on_signal, SIGTERM);
  uv_unref((uv_handle_t *)&st->sigint);
  uv_unref((uv_handle_t *)&st->sigterm);
  uv_unref((uv_handle_t *)&st->flush);
  if (isatty(STDERR_FILENO) && !app->o->verbose) {
    uv_timer_start(&st->progress, on_progress, 1000, 250);
    uv_unref((uv_handle_t *)&st->progress);
  }
  st->ui_open = true;
  st->started_ms = uv_now(&app->loop);
}

static void start(app_t *app) {
  struct stream *st = calloc(1, sizeof *st);
  const options_t *o = app->o;
  if (st == NULL) {
    (void)fputs(PROG ": out of memory\n", stderr);
    cli_close_client(app);
    return;
  }
  app->cmd = st;
  /* Enough for --concurrency in flight and as many done behind a slow
   * one; resolve keeps as many aliases for their repeats, 1,024 at
   * least. */
  st->window = 2 * (size_t)(o->concurrency ? o->concurrency : 64) + 16;
  st->recent_max = st->window < 1024 ? 1024 : st->window;
  open_ui(app);
  if (is_resolve(app)) {
    st->retrieve_params.size = sizeof st->retrieve_params;
    st->retrieve_params.options = app->reqopts_p;
    if (batch_for_add(app) == 0) {
      const anthropic_error_t *err = anthropic_client_last_error(app->client);
      (void)fprintf(stderr, PROG ": %s\n",
                    err->message != NULL ? err->message
                                         : anthropic_strerror(err->kind));
      st->read_failed = true; /* nothing was done: exit 1 */
      st->input_done = true;
      stream_finish(app);
      return;
    }
  }
  if (o->from_stdin) {
    st->in.on_line = on_line;
    st->in.on_error = on_read_error;
    st->in.on_end = on_lines_end;
    st->in.data = app;
    cli_lines_open_stdin(&st->in, &app->loop);
    return;
  }
  for (size_t k = 0; k < o->ids_count; k++)
    if (!add_input(app, o->ids[k], strlen(o->ids[k]), false))
      break;
  input_end(app);
}

/* After the loop: anything left to write, what was not done; the exit
 * status. */
static int report(app_t *app) {
  struct stream *st = stream_of(app);
  int status = EXIT_OK;
  if (st == NULL) /* out of memory at the start, said then */
    return EXIT_FAILED;
  if (st->written < st->count)
    write_rest(app);
  progress_clear(st);
  if (st->failures > 0 || st->read_failed)
    status = EXIT_FAILED;
  if (st->out_of_memory) {
    (void)fputs(PROG ": out of memory: some lines were not written\n", stderr);
    status = EXIT_FAILED;
  }
  if (!cli_finish_stdout())
    status = EXIT_FAILED;
  if (st->interrupted) {
    size_t not_done = st->count - st->done;
    (void)fprintf(stderr, PROG ": interrupted: %zu of %zu inputs not done%s\n",
                  not_done, st->count, st->input_done ? "" : " (or not read)");
    status = EXIT_INTERRUPTED;
  }
  return status;
}

static void free_stream(app_t *app) {
  struct stream *st = stream_of(app);
  if (st == NULL)
    return;
  /* Entries of the alias table are shared; any other serves one input. */
  for (size_t k = st->written; k < st->count; k++)
    if (*input_at(st, k) != NULL && !(*input_at(st, k))->interned)
      entry_free(*input_at(st, k));
  for (size_t i = 0; st->table != NULL && i <= st->mask; i++)
    while (st->table[i] != NULL) {
      entry_t *e = st->table[i];
      st->table[i] = e->hnext;
      entry_free(e);
    }
  free(st->table);
  free(st->inputs);
  free(st);
  app->cmd = NULL;
}

const cli_command_t cli_get_command = {start, report, free_stream};
const cli_command_t cli_resolve_command = {start, report, free_stream};
