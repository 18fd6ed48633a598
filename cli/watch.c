/*
 * watch.c - `watch`: anthropic_models_watch() on the model list and the
 * aliases given, each event written as it comes as one line (JSON, or a
 * human line on a terminal or with --table) and flushed, until SIGINT or
 * SIGTERM cancels the watch: then the client closes, the loop runs out,
 * and the exit status is 130. A failed cycle is an event, not an exit.
 */
#define _XOPEN_SOURCE 700 /* strdup, isatty, wcwidth: see cli.h */

#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "anthropic.h"
#include "cli.h"

/* The command's state (app->cmd). */
struct watch {
  anthropic_request_id_t id; /* 0: not running */
  uv_signal_t sigint, sigterm;
  bool signals_open;
  bool interrupted;   /* SIGINT or SIGTERM ended it */
  bool failed;        /* it could not start, or stdout failed */
  bool out_of_memory; /* a line was left out */
};

static struct watch *watch_of(const app_t *app) {
  return app->cmd;
}

static void close_signals(struct watch *w) {
  if (!w->signals_open)
    return;
  w->signals_open = false;
  uv_close((uv_handle_t *)&w->sigint, NULL);
  uv_close((uv_handle_t *)&w->sigterm, NULL);
}

/* End the watch: its done callback closes the client. */
static void stop(app_t *app) {
  struct watch *w = watch_of(app);
  close_signals(w);
  if (w->id != 0 && app->client != NULL)
    (void)anthropic_request_cancel(app->client, w->id);
}

static void on_signal(uv_signal_t *h, int signum) {
  app_t *app = h->data;
  (void)signum;
  watch_of(app)->interrupted = true;
  stop(app);
}

/* The time now, RFC 3339 in UTC to the millisecond. */
static void now_text(char *buf, size_t len) {
  struct timespec ts;
  struct tm tm;
  char secs[32];
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0 ||
      gmtime_r(&ts.tv_sec, &tm) == NULL ||
      strftime(secs, sizeof secs, "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
    (void)snprintf(buf, len, "-");
    return;
  }
  (void)snprintf(buf, len, "%s.%03ldZ", secs, (long)(ts.tv_nsec / 1000000));
}

/* The kind's name; NULL for a kind newer than this program (left out). */
static const char *kind_name(anthropic_watch_event_kind_t kind) {
  if (kind < ANTHROPIC_WATCH_SNAPSHOT || kind > ANTHROPIC_WATCH_CYCLE)
    return NULL;
  return anthropic_watch_event_name(kind);
}

static const char *model_id(const anthropic_model_info_t *m) {
  return m != NULL ? m->id : NULL;
}

static const char *lifecycle_of(const anthropic_model_info_t *m) {
  return m != NULL && m->lifecycle.state == ANTHROPIC_FIELD_SET
             ? m->lifecycle.value
             : NULL;
}

static const char *time_of(const anthropic_time_t *t) {
  return t->state == ANTHROPIC_FIELD_SET ? t->text : NULL;
}

/* The field a *_CHANGED event is about, before and now. */
static void changed_values(const anthropic_watch_event_t *ev, const char **was,
                           const char **is) {
  const anthropic_model_info_t *p = ev->previous, *m = ev->model;
  *was = *is = NULL;
  switch (ev->kind) {
  case ANTHROPIC_WATCH_LIFECYCLE_CHANGED:
    *was = lifecycle_of(p);
    *is = lifecycle_of(m);
    break;
  case ANTHROPIC_WATCH_DEPRECATED_AT_CHANGED:
    *was = p != NULL ? time_of(&p->deprecated_at) : NULL;
    *is = m != NULL ? time_of(&m->deprecated_at) : NULL;
    break;
  case ANTHROPIC_WATCH_RETIRES_AT_CHANGED:
    *was = p != NULL ? time_of(&p->retires_at) : NULL;
    *is = m != NULL ? time_of(&m->retires_at) : NULL;
    break;
  case ANTHROPIC_WATCH_ALIAS_MOVED:
    *was = model_id(p);
    *is = model_id(m);
    break;
  default:
    break;
  }
}

/* An ERROR event's error, kept in the CLI's form. */
static void keep_error(const anthropic_watch_event_t *ev, item_error_t *e) {
  memset(e, 0, sizeof *e);
  cli_err_keep(e, ev->error);
}

/* One event as a JSON line: kind, cycle, time, then its own fields. */
static char *json_line(const anthropic_watch_event_t *ev, const char *kind,
                       const char *when) {
  cli_json_t j;
  const char *was, *is;
  item_error_t e;
  cli_json_begin(&j);
  cli_json_str(&j, "kind", kind);
  cli_json_uint(&j, "cycle", ev->cycle);
  cli_json_str(&j, "time", when);
  switch (ev->kind) {
  case ANTHROPIC_WATCH_SNAPSHOT:
    cli_json_uint(&j, "count", ev->count);
    cli_json_open(&j, "models", '[');
    for (size_t k = 0; k < ev->count; k++)
      cli_json_str(&j, NULL, model_id(ev->models[k]));
    cli_json_close(&j, ']');
    cli_json_open(&j, "aliases", '{');
    for (size_t k = 0; k < ev->aliases_count; k++)
      cli_json_str(&j, ev->aliases[k], model_id(ev->alias_models[k]));
    cli_json_close(&j, '}');
    break;
  case ANTHROPIC_WATCH_ADDED:
    cli_json_str(&j, "id", model_id(ev->model));
    cli_json_str(&j, "lifecycle", lifecycle_of(ev->model));
    cli_json_str(&j, "deprecated_at",
                 ev->model != NULL ? time_of(&ev->model->deprecated_at) : NULL);
    cli_json_str(&j, "retires_at",
                 ev->model != NULL ? time_of(&ev->model->retires_at) : NULL);
    break;
  case ANTHROPIC_WATCH_REMOVED:
    cli_json_str(&j, "id", model_id(ev->previous));
    break;
  case ANTHROPIC_WATCH_ALIAS_MOVED:
    changed_values(ev, &was, &is);
    cli_json_str(&j, "alias", ev->alias);
    cli_json_str(&j, "previous", was);
    cli_json_str(&j, "new", is);
    break;
  case ANTHROPIC_WATCH_ERROR:
    keep_error(ev, &e);
    cli_json_str(&j, "alias", ev->alias);
    cli_json_uint(&j, "failures", ev->failures);
    cli_json_uint(&j, "next_ms", ev->next_ms);
    cli_json_error(&j, "error", &e);
    cli_item_error_free(&e);
    break;
  case ANTHROPIC_WATCH_CYCLE:
    cli_json_uint(&j, "changes", ev->changes);
    cli_json_uint(&j, "count", ev->count);
    cli_json_bool(&j, "not_modified", ev->not_modified);
    cli_json_uint(&j, "next_ms", ev->next_ms);
    break;
  default: /* the *_CHANGED events */
    changed_values(ev, &was, &is);
    cli_json_str(&j, "id",
                 model_id(ev->model != NULL ? ev->model : ev->previous));
    cli_json_str(&j, "previous", was);
    cli_json_str(&j, "new", is);
    break;
  }
  return cli_json_end(&j);
}

static const char *or_dash(const char *s) {
  return s != NULL ? s : "-";
}

/* One event as a human line: the time, the kind (aligned), then what it
 * says. The server's text is sanitized. */
static void print_human(const anthropic_watch_event_t *ev, const char *kind,
                        const char *when) {
  const char *was, *is;
  item_error_t e;
  printf("%s  %-21s  cycle %" PRIu64 ": ", when, kind, ev->cycle);
  switch (ev->kind) {
  case ANTHROPIC_WATCH_SNAPSHOT:
    printf("%zu model%s, %zu alias%s", ev->count, ev->count == 1 ? "" : "s",
           ev->aliases_count, ev->aliases_count == 1 ? "" : "es");
    break;
  case ANTHROPIC_WATCH_ADDED:
    cli_put_sanitized(stdout, or_dash(model_id(ev->model)));
    (void)fputs(" (", stdout);
    cli_put_sanitized(stdout, or_dash(lifecycle_of(ev->model)));
    (void)fputc(')', stdout);
    break;
  case ANTHROPIC_WATCH_REMOVED:
    cli_put_sanitized(stdout, or_dash(model_id(ev->previous)));
    break;
  case ANTHROPIC_WATCH_ERROR:
    keep_error(ev, &e);
    if (ev->alias != NULL) {
      cli_put_sanitized(stdout, ev->alias);
      (void)fputs(": ", stdout);
    }
    (void)fputs(anthropic_err_name(e.kind), stdout);
    if (e.status != 0)
      printf(" %ld", e.status);
    (void)fputs(": ", stdout);
    cli_put_sanitized(stdout, cli_error_message(&e));
    printf(" (failure %u, next try in %" PRIu64 " ms)", ev->failures,
           ev->next_ms);
    cli_item_error_free(&e);
    break;
  case ANTHROPIC_WATCH_CYCLE:
    printf("%zu change%s, %zu model%s%s, next in %" PRIu64 " ms", ev->changes,
           ev->changes == 1 ? "" : "s", ev->count, ev->count == 1 ? "" : "s",
           ev->not_modified ? " (not modified)" : "", ev->next_ms);
    break;
  default: /* ALIAS_MOVED and the *_CHANGED events */
    changed_values(ev, &was, &is);
    cli_put_sanitized(
        stdout,
        ev->kind == ANTHROPIC_WATCH_ALIAS_MOVED
            ? or_dash(ev->alias)
            : or_dash(model_id(ev->model != NULL ? ev->model : ev->previous)));
    (void)fputs(": ", stdout);
    cli_put_sanitized(stdout, or_dash(was));
    (void)fputs(" -> ", stdout);
    cli_put_sanitized(stdout, or_dash(is));
    break;
  }
  (void)fputc('\n', stdout);
}

static void on_event(const anthropic_watch_event_t *ev, void *data) {
  app_t *app = data;
  struct watch *w = watch_of(app);
  const char *kind = kind_name(ev->kind);
  char when[48];
  if (kind == NULL || w->failed)
    return;
  now_text(when, sizeof when);
  if (app->o->format == FMT_TABLE)
    print_human(ev, kind, when);
  else if (!cli_print_line(json_line(ev, kind, when)))
    w->out_of_memory = true;
  /* One line at a time: a reader sees each event as it happens. A stdout
   * that fails (a reader gone) ends the watch. */
  if (!cli_flush_stdout()) {
    w->failed = true;
    stop(app);
  }
}

static void on_done(const anthropic_error_t *err, void *data) {
  app_t *app = data;
  (void)err; /* ECANCELLED: our cancel, or the client's close */
  watch_of(app)->id = 0;
  close_signals(watch_of(app));
  cli_close_client(app);
}

static void start(app_t *app) {
  struct watch *w = calloc(1, sizeof *w);
  const options_t *o = app->o;
  anthropic_watch_options_t wo = ANTHROPIC_WATCH_OPTIONS_INIT;
  if (w == NULL) {
    (void)fputs(PROG ": out of memory\n", stderr);
    cli_close_client(app);
    return;
  }
  app->cmd = w;
  wo.interval_ms = o->interval_ms;
  wo.aliases = o->ids;
  wo.aliases_count = o->ids_count;
  wo.options = app->reqopts_p;
  if (cli_use_beta(app))
    wo.flags |= ANTHROPIC_WATCH_BETA;
  w->id = anthropic_models_watch(app->client, &wo, on_event, on_done, app);
  if (w->id == 0) {
    const anthropic_error_t *err = anthropic_client_last_error(app->client);
    (void)fputs(PROG ": watch: ", stderr);
    cli_put_sanitized(
        stderr,
        err != NULL && err->message != NULL
            ? err->message
            : anthropic_strerror(err != NULL ? err->kind : ANTHROPIC_EINVAL));
    (void)fputc('\n', stderr);
    w->failed = true;
    cli_close_client(app);
    return;
  }
  uv_signal_init(&app->loop, &w->sigint);
  uv_signal_init(&app->loop, &w->sigterm);
  w->sigint.data = w->sigterm.data = app;
  uv_signal_start(&w->sigint, on_signal, SIGINT);
  uv_signal_start(&w->sigterm, on_signal, SIGTERM);
  w->signals_open = true;
}

static int report(app_t *app) {
  struct watch *w = watch_of(app);
  int status = EXIT_INTERRUPTED;
  if (w == NULL) /* out of memory at the start, said then */
    return EXIT_FAILED;
  if (w->out_of_memory) {
    (void)fputs(PROG ": out of memory: some lines were not written\n", stderr);
    status = EXIT_FAILED;
  }
  /* Without a signal it ended as it failed to start, or as stdout
   * failed. */
  if (!cli_finish_stdout() || w->failed || !w->interrupted)
    status = EXIT_FAILED;
  return status;
}

static void free_watch(app_t *app) {
  free(app->cmd);
  app->cmd = NULL;
}

const cli_command_t cli_watch_command = {start, report, free_watch};
