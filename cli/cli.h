/*
 * cli.h - what the files of the anthropic-models CLI share.
 *
 *   main.c    main: parse, set up the locale and stdio, run
 *   args.c    the command line into an options_t; the usage text
 *   run.c     the command table: set up, run one command, tear down
 *   app.c     the core: the loop, the client, --beta, closing
 *   list.c    list (one page, printed at the end) and list --all (every
 *             page: JSON printed as it arrives, a table at the end)
 *   stream.c  get and resolve: every input in flight at once, one line
 *             each written in input order; Ctrl-C, progress, the flush
 *   audit.c   audit: the inputs resolved in one batch, each model's
 *             lifecycle judged; the exit status says the worst
 *   watch.c   watch: the library's watch, one line an event, until Ctrl-C
 *   lines.c   stdin read as it arrives, a callback per line (lines.h)
 *   output.c  JSON lines, table rows, the sanitizer; errors kept to print
 *
 * Everything else in those files is static. Each file defines
 * _XOPEN_SOURCE 700 (strdup, isatty, wcwidth) before any include.
 *
 * What a write to stdout or stderr returns is dropped, said with (void):
 * stdout's failures stay in ferror(stdout) and the errno kept by
 * cli_flush_stdout(), and cli_finish_stdout() says the first one at the
 * end (exit 1); stderr's have nowhere to be said.
 */
#ifndef ANTHROPIC_CLI_H
#define ANTHROPIC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <uv.h>

#include "anthropic.h"

#define PROG "anthropic-models"

enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,
  EXIT_USAGE = 2,
  EXIT_AT_RISK = 3, /* audit: deprecated, or retiring within the window */
  EXIT_RETIRED = 4, /* audit: retired, or no such model */
  EXIT_INTERRUPTED = 130,
  PROCEED = -1
};

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

typedef enum { FMT_AUTO, FMT_JSON, FMT_TABLE } out_format_t;
typedef enum { CMD_LIST, CMD_GET, CMD_RESOLVE, CMD_AUDIT, CMD_WATCH } command_t;

typedef struct options {
  const char *base_url; /* NULL: let the library read the environment */
  const char *api_key;  /* NULL: likewise */
  out_format_t format;
  bool verbose;
  long max_retries;                        /* -1: the library's default */
  uint64_t timeout_ms, connect_timeout_ms; /* 0: the library's default */
  /* --beta NAMEs (then the beta endpoints) and --workspace: pointers into
   * argv */
  const char **betas;
  size_t betas_count;
  const char *workspace_id; /* NULL: not sent */
  unsigned concurrency;     /* --concurrency; 0: the library's default */
  const char *cacert;       /* --cacert FILE; NULL: the system's CAs */
  bool http1;               /* --http1.1 */
  command_t command;
  /* list */
  int limit; /* 0: the server's default */
  const char *after_id, *before_id;
  bool all;                /* --all: walk every page */
  int page_size;           /* --all's page size; 0: the server's default */
  const char **lifecycles; /* --lifecycle STAGEs, pointers into argv */
  size_t lifecycles_count;
  /* get, resolve, audit and watch: pointers into argv, in argument order */
  const char **ids;
  size_t ids_count;
  bool from_stdin; /* the one argument was "-" (audit: or none, and stdin
                      is no terminal): one input per line */
  /* audit */
  unsigned within_days;  /* --within; ANTHROPIC_LIFECYCLE_WITHIN_DAYS */
  bool now_given;        /* --now: judge at `now`, not the clock's time */
  int64_t now;           /* seconds since 1970-01-01T00:00:00Z */
  const char *from_file; /* --from FILE; NULL: none */
  /* watch */
  uint64_t interval_ms; /* --interval; 0: the library's default */
} options_t;

/* An error kept past its callback. Strings are owned; NULL type or
 * request_id mean none; a NULL message means "use strerror(kind)". */
typedef struct item_error {
  int kind;
  long status;
  char *type, *message, *request_id;
} item_error_t;

typedef struct app app_t;

/* The columns of table output. */
enum {
  COL_ID,
  COL_NAME,
  COL_CREATED,
  COL_LIFECYCLE,
  COL_MAX_IN,
  COL_MAX_OUT,
  NCOLS
};

/* One run of the program: the loop, the client, and the command's own
 * state, which only the command knows. */
struct app {
  uv_loop_t loop;
  anthropic_client_t *client; /* NULL once closed */
  const options_t *o;
  /* Per-request settings (--workspace); `reqopts_p` is NULL without any. */
  anthropic_request_options_t reqopts;
  const anthropic_request_options_t *reqopts_p;
  void *cmd; /* the command's state: set by its start, freed by its free */
};

/* ------------------------------------------------------------------ */
/* args.c                                                              */
/* ------------------------------------------------------------------ */

/* Fills *o. Returns PROCEED, or the exit status when the program is done
 * (help, version, usage error). The arrays in *o are malloc'd (free them
 * even when it did not return PROCEED). */
int cli_parse_args(int argc, char **argv, options_t *o);

/* Print a one-line usage error to stderr; returns the usage exit status. */
int cli_usage_error(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* ------------------------------------------------------------------ */
/* app.c: the core, under every command; it calls none of them         */
/* ------------------------------------------------------------------ */

/* Set up *app for `o`: the loop and the client (--verbose: where
 * requests go). Returns PROCEED, or the exit status with nothing left
 * open (said on stderr). */
int cli_app_open(app_t *app, const options_t *o);
/* Close the loop, once it has run out; anything left open is said. */
void cli_app_close(app_t *app);

/* Close the client unless it is closed (app->client NULL): its callback
 * clears app->client. With nothing else open, the loop then runs out. */
void cli_close_client(app_t *app);

/* --beta switches every call to the beta endpoints. */
bool cli_use_beta(const app_t *app);

/* ------------------------------------------------------------------ */
/* The commands (list.c, stream.c, audit.c, watch.c), above the core */
/* ------------------------------------------------------------------ */

/* A command, as run.c drives it: start (before the loop runs: its state
 * made and kept in app->cmd, its requests, the client closed once the
 * last one calls back), report (after the loop: what is left to print;
 * the exit status), free (its state, app->cmd NULL again). Its state's
 * type is its own file's. */
typedef struct cli_command {
  void (*start)(app_t *app);
  int (*report)(app_t *app);
  void (*free)(app_t *app);
} cli_command_t;

/* `list` (one page, printed at the end) and `list --all` (every page,
 * JSON printed as it arrives). */
extern const cli_command_t cli_list_command;
/* `get` and `resolve`: the arguments, or stdin with "-"; every input in
 * flight at once, one line each written in input order. */
extern const cli_command_t cli_get_command, cli_resolve_command;
/* `audit` (audit.c): every input resolved in one batch, its lifecycle
 * judged; one line per input in input order at the end. */
extern const cli_command_t cli_audit_command;
/* `watch` (watch.c): anthropic_models_watch()'s events, a line each,
 * until SIGINT or SIGTERM. */
extern const cli_command_t cli_watch_command;

/* ------------------------------------------------------------------ */
/* run.c: the table of commands; the only file that knows them         */
/* ------------------------------------------------------------------ */

/* Run the command of `o` on a loop of its own; the exit status. */
int cli_run(const options_t *o);

/* ------------------------------------------------------------------ */
/* output.c                                                            */
/* ------------------------------------------------------------------ */

/* Are the n bytes at s well-formed UTF-8? */
bool cli_utf8_valid(const char *s, size_t n);

/* Errors kept past their callback. */
void cli_item_error_free(item_error_t *e);
void cli_err_keep(item_error_t *e, const anthropic_error_t *err);
const char *cli_error_message(const item_error_t *e);

/* JSON lines, in malloc'd buffers without the newline; NULL when out of
 * memory. */
char *cli_failure_line(const char *key, const char *input,
                       const item_error_t *e);
char *cli_resolved_line(const char *alias, const anthropic_model_info_t *m);
char *cli_model_line(const anthropic_model_info_t *m);
/* Print a line (and free it) / a model as one JSON line, to stdout; false
 * when out of memory. */
bool cli_print_line(char *line);
bool cli_print_model_line(const anthropic_model_info_t *m);
/* Flush stdout; false when this or any write before failed. */
bool cli_flush_stdout(void);
/* Flush stdout at the end: false, said on stderr with the reason (the
 * first failure's), when this or any write before failed. */
bool cli_finish_stdout(void);

/* Table rows, to stdout; `widths` holds NCOLS columns. */
void cli_title_widths(size_t *widths);
void cli_widen(size_t *widths, const anthropic_model_info_t *m);
void cli_print_model_row(const anthropic_model_info_t *m, const size_t *widths);
void cli_print_error_row(const char *input, const item_error_t *e,
                         const size_t *widths);
const char *cli_shown_input(const char *input);
size_t cli_display_width(const char *s);

/* A JSON object built key by key: begin, the fields (a NULL key: an
 * element of the array open), end. Out of memory at any step: end
 * returns NULL. */
typedef struct cli_json {
  char *buf;
  size_t len, cap;
  bool oom;
} cli_json_t;
void cli_json_begin(cli_json_t *j);
void cli_json_str(cli_json_t *j, const char *key, const char *val); /* NULL:
                                                                       null */
void cli_json_int(cli_json_t *j, const char *key, int64_t v);
void cli_json_uint(cli_json_t *j, const char *key, uint64_t v);
void cli_json_bool(cli_json_t *j, const char *key, bool v);
void cli_json_null(cli_json_t *j, const char *key);
void cli_json_open(cli_json_t *j, const char *key, char bracket); /* { [ */
void cli_json_close(cli_json_t *j, char bracket);                 /* } ] */
void cli_json_error(cli_json_t *j, const char *key, const item_error_t *e);
char *cli_json_end(cli_json_t *j); /* malloc'd; NULL: out of memory */
/* A row of `n` cells padded to `widths` (right-aligned where bit k of
 * `right` is set), the last one unpadded; sanitized. */
void cli_print_row(const char *const *cells, const size_t *widths, size_t n,
                   unsigned right);

/* The server's text, made harmless for a terminal. */
void cli_put_sanitized(FILE *f, const char *s);
/* --verbose: a page's size and cursors on stderr. */
void cli_print_page_cursors(const anthropic_models_page_t *p);

#endif /* ANTHROPIC_CLI_H */
