/*
 * anthropic-models - list and look up Anthropic models from the shell.
 *
 *   anthropic-models [--base-url URL] [--api-key KEY] [--json | --table]
 *                    [--verbose] [--beta NAME]... [--workspace ID] COMMAND
 *     list [--limit N] [--after-id ID | --before-id ID] [--lifecycle S]...
 *     list --all [--page-size N] [--after-id ID | --before-id ID]
 *                [--lifecycle S]...
 *     get ID_OR_ALIAS... | get -
 *     resolve ALIAS... | resolve -
 *
 * A small, complete user of the library: one uv loop, one client. `list`
 * prints its page once the loop is done; `list --all` walks every page with
 * the library's auto-pagination and prints each as it arrives. `get` and
 * `resolve` take their inputs from the arguments or, with `-`, from stdin
 * as it arrives, hand every one to the library at once (its queue keeps
 * --concurrency in flight; the resolver makes one request per distinct
 * alias), and write one line per input in input order, each as soon as it
 * and every earlier one are known. The client is closed once everything
 * has called back, so the loop ends by itself and must then close cleanly.
 *
 * Exit status: 0 when every request succeeded, 1 when any failed (or the
 * client could not be set up from the environment), 2 on a usage error,
 * 130 when interrupted (SIGINT or SIGTERM).
 */
#define _XOPEN_SOURCE 700 /* strdup, isatty, wcwidth */

#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <uv.h>

#include "anthropic.h"

#define PROG "anthropic-models"

enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,
  EXIT_USAGE = 2,
  EXIT_INTERRUPTED = 130,
  PROCEED = -1
};

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* ------------------------------------------------------------------ */
/* Command line                                                        */
/* ------------------------------------------------------------------ */

typedef enum { FMT_AUTO, FMT_JSON, FMT_TABLE } out_format_t;
typedef enum { CMD_LIST, CMD_GET, CMD_RESOLVE } command_t;

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
  /* get and resolve: pointers into argv, in argument order */
  const char **ids;
  size_t ids_count;
  bool from_stdin; /* the one argument was "-": one input per line */
} options_t;

static const char usage_text[] =
    "usage: " PROG " [--base-url URL] [--api-key KEY] [--json | --table]\n"
    "                        [--verbose] [--max-retries N] [--timeout MS]\n"
    "                        [--connect-timeout MS] [--beta NAME]...\n"
    "                        [--workspace ID] COMMAND\n"
    "\n"
    "commands:\n"
    "  list [--limit N] [--after-id ID | --before-id ID]\n"
    "       [--lifecycle STAGE]...\n"
    "                  print one page of models, newest first (N: 1..1000)\n"
    "  list --all [--page-size N] [--after-id ID | --before-id ID]\n"
    "             [--lifecycle STAGE]...\n"
    "                  print every page, each as it arrives (N: models per\n"
    "                  request, 1..1000, default the server's); forward from\n"
    "                  the start or --after-id, backward from --before-id\n"
    "  get ID_OR_ALIAS... | get -\n"
    "                  look models up, all at once; one line per input, in\n"
    "                  input order, each written as soon as it and every\n"
    "                  earlier one are known\n"
    "  resolve ALIAS... | resolve -\n"
    "                  resolve aliases to model ids, one request per distinct\n"
    "                  alias; one JSON line per input, in input order:\n"
    "                  {\"alias\",\"id\",\"display_name\"}, or an error line\n"
    "  -               (get, resolve) read the inputs from stdin, one a line\n"
    "                  (surrounding blanks trimmed, blank lines skipped)\n"
    "\n"
    "list options:\n"
    "  --lifecycle STAGE\n"
    "                  active, deprecated or retired; repeat for several\n"
    "                  (default: the server's, active and deprecated)\n"
    "  --limit N and --page-size N cannot be used together; --page-size\n"
    "  needs --all\n"
    "\n"
    "options (before COMMAND; --opt VALUE and --opt=VALUE both work):\n"
    "  --base-url URL  API base URL (default: $ANTHROPIC_BASE_URL, else\n"
    "                  https://api.anthropic.com)\n"
    "  --api-key KEY   API key (default: $ANTHROPIC_API_KEY)\n"
    "  --json          one JSON object per line (default when stdout is not\n"
    "                  a terminal)\n"
    "  --table         aligned columns (default on a terminal)\n"
    "  --verbose       log the configuration and each request to stderr\n"
    "  --max-retries N retries after a failed attempt, 0..100 (default 2)\n"
    "  --timeout MS    per-attempt timeout in ms (default 600000)\n"
    "  --connect-timeout MS\n"
    "                  per-attempt connect timeout in ms (default 5000)\n"
    "  --beta NAME     send `anthropic-beta: NAME` (repeat for several; they\n"
    "                  are joined with ',') and use the beta endpoints\n"
    "  --workspace ID  send `anthropic-workspace-id: ID` on every request\n"
    "  --concurrency N at most N requests at once, 1..100000 (default: the\n"
    "                  library's, one a connection over HTTP/1.1)\n"
    "  --cacert FILE   trust the CA certificates in FILE (PEM)\n"
    "  --http1.1       use HTTP/1.1 even over https (default: HTTP/2 there)\n"
    "  -h, --help      show this help\n"
    "  --version       show the version\n"
    "\n"
    "failures are also reported on stderr, one line each. On a terminal,\n"
    "stderr shows progress during long runs. Ctrl-C writes what is done\n"
    "and exits 130.\n"
    "\n"
    "exit status: 0 all requests succeeded, 1 some failed, 2 usage error,\n"
    "130 interrupted\n";

/* Print a one-line usage error to stderr; returns the usage exit status. */
static int usage_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
static int usage_error(const char *fmt, ...) {
  va_list ap;
  fputs(PROG ": ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs(" (try --help)\n", stderr);
  return EXIT_USAGE;
}

/* The length of an option's name, without any "=value" (so that a value,
 * possibly a key, is never echoed back in an error message). */
static int opt_name_len(const char *arg) {
  return (int)strcspn(arg, "=");
}

/* Is `arg` the option `name`, alone or as "name=value"? When it is, sets
 * *inline_val to the text after '=' or to NULL. */
static bool opt_is(const char *arg, const char *name, const char **inline_val) {
  size_t n = strlen(name);
  if (strncmp(arg, name, n) != 0)
    return false;
  if (arg[n] == '\0') {
    *inline_val = NULL;
    return true;
  }
  if (arg[n] == '=') {
    *inline_val = arg + n + 1;
    return true;
  }
  return false;
}

/* The value of an option matched at argv[*i]: the inline one, else the
 * next argument (consumed). False when there is none. */
static bool opt_value(int argc, char **argv, int *i, const char *inline_val,
                      const char **out) {
  if (inline_val != NULL) {
    *out = inline_val;
    return true;
  }
  if (*i + 1 >= argc)
    return false;
  *out = argv[++*i];
  return true;
}

static bool is_global_option(const char *arg) {
  static const char *const names[] = {
      "--base-url", "--api-key",     "--json",      "--table",
      "--verbose",  "--max-retries", "--timeout",   "--connect-timeout",
      "--version",  "--beta",        "--workspace", "--concurrency",
      "--cacert",   "--http1.1"};
  const char *v;
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
    if (opt_is(arg, names[k], &v))
      return true;
  return false;
}

/* A plain decimal integer in min..max (no sign, no spaces). */
static bool parse_uint(const char *s, uint64_t min, uint64_t max,
                       uint64_t *out) {
  uint64_t v = 0;
  if (*s == '\0' || strlen(s) > 12)
    return false;
  for (const char *p = s; *p != '\0'; p++) {
    if (*p < '0' || *p > '9')
      return false;
    v = v * 10 + (uint64_t)(*p - '0');
  }
  if (v < min || v > max)
    return false;
  *out = v;
  return true;
}

/* --limit: a plain decimal integer in 1..1000. */
static bool parse_limit(const char *s, int *out) {
  uint64_t v;
  if (!parse_uint(s, 1, 1000, &v))
    return false;
  *out = (int)v;
  return true;
}

/* Options and arguments that come after COMMAND that are not its own. */
static int bad_command_arg(const char *cmd, const char *arg) {
  if (is_global_option(arg))
    return usage_error("option '%.*s' must come before the command",
                       opt_name_len(arg), arg);
  if (arg[0] == '-' && arg[1] != '\0')
    return usage_error("unknown option '%.*s' for '%s'", opt_name_len(arg), arg,
                       cmd);
  return usage_error("unexpected argument '%s' for '%s'", arg, cmd);
}

/* --lifecycle: one of the API's stages, exactly as it spells them. */
static bool is_lifecycle(const char *s) {
  return strcmp(s, "active") == 0 || strcmp(s, "deprecated") == 0 ||
         strcmp(s, "retired") == 0;
}

/* An array for up to `argc` pointers into argv; NULL (reported) when out
 * of memory. */
static const char **argv_array(int argc) {
  const char **a = malloc((size_t)argc * sizeof *a);
  if (a == NULL)
    fputs(PROG ": out of memory\n", stderr);
  return a;
}

static int parse_list_args(int argc, char **argv, int i, options_t *o) {
  bool page_size_given = false;
  if ((o->lifecycles = argv_array(argc)) == NULL)
    return EXIT_FAILED;
  for (; i < argc; i++) {
    const char *a = argv[i], *v, *val;
    if (strcmp(a, "-h") == 0 || opt_is(a, "--help", &v)) {
      fputs(usage_text, stdout);
      return EXIT_OK;
    }
    if (opt_is(a, "--limit", &v)) {
      if (!opt_value(argc, argv, &i, v, &val))
        return usage_error("option '--limit' needs a value");
      if (!parse_limit(val, &o->limit))
        return usage_error(
            "--limit must be an integer from 1 to 1000, not '%s'", val);
    } else if (opt_is(a, "--page-size", &v)) {
      if (!opt_value(argc, argv, &i, v, &val))
        return usage_error("option '--page-size' needs a value");
      if (!parse_limit(val, &o->page_size))
        return usage_error(
            "--page-size must be an integer from 1 to 1000, not '%s'", val);
      page_size_given = true;
    } else if (opt_is(a, "--all", &v) && v == NULL) {
      o->all = true;
    } else if (opt_is(a, "--lifecycle", &v)) {
      if (!opt_value(argc, argv, &i, v, &val))
        return usage_error("option '--lifecycle' needs a value");
      if (!is_lifecycle(val))
        return usage_error("--lifecycle must be active, deprecated or "
                           "retired, not '%s'",
                           val);
      o->lifecycles[o->lifecycles_count++] = val;
    } else if (opt_is(a, "--all", &v)) {
      return usage_error("option '--all' takes no value");
    } else if (opt_is(a, "--after-id", &v)) {
      if (!opt_value(argc, argv, &i, v, &o->after_id))
        return usage_error("option '--after-id' needs a value");
    } else if (opt_is(a, "--before-id", &v)) {
      if (!opt_value(argc, argv, &i, v, &o->before_id))
        return usage_error("option '--before-id' needs a value");
    } else {
      return bad_command_arg("list", a);
    }
  }
  if (o->after_id != NULL && o->before_id != NULL)
    return usage_error("--after-id and --before-id cannot be used together");
  if (o->all && o->limit != 0)
    return usage_error("--limit cannot be used with --all (use --page-size)");
  if (page_size_given && !o->all)
    return usage_error("--page-size needs --all (use --limit for one page)");
  return PROCEED;
}

/* get's and resolve's arguments are ids or aliases, or "-" alone for
 * stdin; "--" ends options so an id may start with '-'. */
static int parse_get_args(int argc, char **argv, int i, options_t *o) {
  const char *cmd = o->command == CMD_RESOLVE ? "resolve" : "get";
  bool options_done = false;
  if ((o->ids = argv_array(argc)) == NULL)
    return EXIT_FAILED;
  for (; i < argc; i++) {
    const char *a = argv[i], *v;
    if (!options_done && a[0] == '-' && a[1] != '\0') {
      if (strcmp(a, "--") == 0) {
        options_done = true;
        continue;
      }
      if (strcmp(a, "-h") == 0 || opt_is(a, "--help", &v)) {
        fputs(usage_text, stdout);
        return EXIT_OK;
      }
      return bad_command_arg(cmd, a);
    }
    o->ids[o->ids_count++] = a;
    if (!options_done && strcmp(a, "-") == 0)
      o->from_stdin = true;
  }
  if (o->ids_count == 0)
    return usage_error("'%s' needs at least one model id or alias, or '-'",
                       cmd);
  if (o->from_stdin && o->ids_count > 1)
    return usage_error("'-' (read stdin) must be the only input of '%s'", cmd);
  if (o->command == CMD_RESOLVE && o->format == FMT_TABLE)
    return usage_error("'resolve' writes JSON lines; --table is for list "
                       "and get");
  if (o->command == CMD_RESOLVE && o->betas_count > 0)
    return usage_error("'resolve' uses the models endpoint, not the beta "
                       "one: --beta is for list and get");
  return PROCEED;
}

/* Fills *o. Returns PROCEED, or the exit status when the program is done
 * (help, version, usage error). */
static int parse_args(int argc, char **argv, options_t *o) {
  int i;
  memset(o, 0, sizeof *o);
  o->max_retries = -1;
  if ((o->betas = argv_array(argc)) == NULL)
    return EXIT_FAILED;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (a[0] != '-' || a[1] == '\0')
      break; /* the command */
    if (strcmp(a, "-h") == 0 || opt_is(a, "--help", &v)) {
      fputs(usage_text, stdout);
      return EXIT_OK;
    } else if (opt_is(a, "--version", &v)) {
      printf(PROG " %s (libanthropic %s, libuv %s)\n", ANTHROPIC_VERSION_STRING,
             anthropic_version(), uv_version_string());
      return EXIT_OK;
    } else if (opt_is(a, "--base-url", &v)) {
      if (!opt_value(argc, argv, &i, v, &o->base_url))
        return usage_error("option '--base-url' needs a value");
    } else if (opt_is(a, "--api-key", &v)) {
      if (!opt_value(argc, argv, &i, v, &o->api_key))
        return usage_error("option '--api-key' needs a value");
    } else if (opt_is(a, "--json", &v) && v == NULL) {
      o->format = FMT_JSON; /* the last of --json/--table wins */
    } else if (opt_is(a, "--table", &v) && v == NULL) {
      o->format = FMT_TABLE;
    } else if (opt_is(a, "--verbose", &v) && v == NULL) {
      o->verbose = true;
    } else if (opt_is(a, "--max-retries", &v)) {
      const char *val;
      uint64_t n;
      if (!opt_value(argc, argv, &i, v, &val) || !parse_uint(val, 0, 100, &n))
        return usage_error("option '--max-retries' needs an integer 0..100");
      o->max_retries = (long)n;
    } else if (opt_is(a, "--timeout", &v) ||
               opt_is(a, "--connect-timeout", &v)) {
      bool connect = opt_is(a, "--connect-timeout", &v);
      const char *val;
      uint64_t n;
      if (!opt_value(argc, argv, &i, v, &val) ||
          !parse_uint(val, 1, 86400000, &n))
        return usage_error("option '%s' needs milliseconds, 1..86400000",
                           connect ? "--connect-timeout" : "--timeout");
      *(connect ? &o->connect_timeout_ms : &o->timeout_ms) = n;
    } else if (opt_is(a, "--beta", &v)) {
      const char *val;
      if (!opt_value(argc, argv, &i, v, &val) || val[0] == '\0')
        return usage_error("option '--beta' needs a beta name");
      o->betas[o->betas_count++] = val;
    } else if (opt_is(a, "--workspace", &v)) {
      if (!opt_value(argc, argv, &i, v, &o->workspace_id) ||
          o->workspace_id[0] == '\0')
        return usage_error("option '--workspace' needs a workspace id");
    } else if (opt_is(a, "--concurrency", &v)) {
      const char *val;
      uint64_t n;
      if (!opt_value(argc, argv, &i, v, &val) ||
          !parse_uint(val, 1, 100000, &n))
        return usage_error("option '--concurrency' needs an integer "
                           "1..100000");
      o->concurrency = (unsigned)n;
    } else if (opt_is(a, "--cacert", &v)) {
      if (!opt_value(argc, argv, &i, v, &o->cacert) || o->cacert[0] == '\0')
        return usage_error("option '--cacert' needs a file");
    } else if (opt_is(a, "--http1.1", &v) && v == NULL) {
      o->http1 = true;
    } else if (is_global_option(a)) {
      return usage_error("option '%.*s' takes no value", opt_name_len(a), a);
    } else {
      return usage_error("unknown option '%.*s'", opt_name_len(a), a);
    }
  }
  if (i >= argc)
    return usage_error("missing command (list, get or resolve)");
  if (strcmp(argv[i], "list") == 0) {
    o->command = CMD_LIST;
    return parse_list_args(argc, argv, i + 1, o);
  }
  if (strcmp(argv[i], "get") == 0 || strcmp(argv[i], "resolve") == 0) {
    o->command = argv[i][0] == 'g' ? CMD_GET : CMD_RESOLVE;
    return parse_get_args(argc, argv, i + 1, o);
  }
  return usage_error("unknown command '%s'", argv[i]);
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

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

/* One request: the single `list` page, or the walk of `list --all` (whose
 * pages are printed as they come, never kept). */
typedef struct item {
  app_t *app;
  const char *input; /* the argument, or "list" */
  bool failed;       /* then `err` is set */
  item_error_t err;
  anthropic_models_page_t *page; /* list: the kept page */
} item_t;

/* ------------------------------------------------------------------ */
/* get and resolve: inputs streamed in, lines streamed out in order    */
/* ------------------------------------------------------------------ */

/* Longest input line taken (the library refuses longer ids anyway); a
 * longer one is an error line of its own and reading goes on. */
#define MAX_LINE 1024

typedef enum { E_PENDING, E_DONE, E_STOPPED } entry_state_t;

/* What one input (get) or one distinct alias (resolve) came to. For
 * resolve every input naming the same alias points to one entry, so a
 * million lines of 114 aliases hold 114 entries and a million pointers,
 * whatever order the answers come in. */
typedef struct entry {
  struct entry *hnext; /* resolve: the alias table's chain */
  app_t *app;
  uint64_t hash;
  size_t refs;         /* inputs that point here */
  size_t unwritten;    /* of those, not yet written */
  bool interned;       /* resolve: in the alias table */
  entry_state_t state; /* E_STOPPED: cancelled by Ctrl-C, not written */
  bool failed;         /* then `err` is set */
  item_error_t err;
  char *line; /* JSON output, without the newline, once done */
  anthropic_model_info_t *model; /* get in a table: kept until written */
  char text[];                   /* the input as given (trimmed) */
} entry_t;

struct stream {
  entry_t **inputs; /* in input order; resolve: shared entries */
  size_t count, cap, written, done;
  entry_t **table; /* resolve: entries by alias, mask + 1 buckets */
  size_t mask, distinct;
  anthropic_resolve_id_t batch;
  size_t pending; /* get: retrieves not yet called back */
  bool input_done, batch_done, interrupted, finishing, out_of_memory;
  bool read_failed, write_failed;
  size_t failures;
  /* stdin, read as it arrives */
  union {
    uv_handle_t handle;
    uv_stream_t stream;
    uv_pipe_t pipe;
    uv_tty_t tty;
  } in;
  bool in_open;
  char part[MAX_LINE + 1]; /* the line being read */
  size_t part_len;
  bool part_long; /* the line being read is past MAX_LINE */
  char rbuf[64 * 1024];
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

struct app {
  uv_loop_t loop;
  anthropic_client_t *client; /* NULL once closed */
  item_t *items;
  size_t count;
  size_t pending; /* requests whose callback has not run yet */
  const options_t *o;
  /* Per-request settings (--workspace); `reqopts_p` is NULL without any. */
  anthropic_request_options_t reqopts;
  const anthropic_request_options_t *reqopts_p;
  anthropic_models_retrieve_params_t retrieve_params; /* resolve's */
  struct stream st;                                   /* get and resolve */
  /* list --all, printed as it goes */
  struct {
    bool header_done; /* table: the header is out, with `widths` */
    size_t widths[NCOLS];
    size_t pages, models;
    bool out_of_memory, write_failed; /* either stopped the walk */
  } walk;
};

static char *dup_or_null(const char *s, bool *ok) {
  char *d;
  if (s == NULL)
    return NULL;
  if ((d = strdup(s)) == NULL)
    *ok = false;
  return d;
}

static void item_error_free(item_error_t *e) {
  free(e->type);
  free(e->message);
  free(e->request_id);
  memset(e, 0, sizeof *e);
}

/* Record a failure with no details (out of memory, or no error given). */
static void item_fail_kind(item_t *it, int kind) {
  item_error_free(&it->err);
  it->failed = true;
  it->err.kind = kind;
}

/* Keep `err` in `e`, copying its strings: it is only valid in the
 * callback. */
static void err_keep(item_error_t *e, const anthropic_error_t *err) {
  bool ok = true;
  item_error_free(e);
  if (err == NULL) {
    e->kind = ANTHROPIC_EINVAL;
    return;
  }
  e->kind = err->kind;
  e->status = err->status;
  e->type = dup_or_null(err->type, &ok);
  e->message = dup_or_null(err->message, &ok);
  e->request_id = dup_or_null(err->request_id, &ok);
  if (!ok) {
    item_error_free(e);
    e->kind = ANTHROPIC_ENOMEM;
  }
}

static void item_fail(item_t *it, const anthropic_error_t *err) {
  it->failed = true;
  err_keep(&it->err, err);
}

static void on_client_closed(anthropic_client_t *client) {
  app_t *app = anthropic_client_get_data(client);
  app->client = NULL;
}

static void close_client(app_t *app) {
  if (app->client != NULL)
    anthropic_client_close(app->client, on_client_closed);
}

/* Called as each request ends; the last one closes the client, which lets
 * the loop run out. */
static void request_done(app_t *app) {
  if (--app->pending == 0)
    close_client(app);
}

static void on_page(const anthropic_error_t *err,
                    const anthropic_models_page_t *page, void *data) {
  item_t *it = data;
  if (err != NULL)
    item_fail(it, err);
  else if ((it->page = anthropic_models_page_copy(page)) == NULL)
    item_fail_kind(it, ANTHROPIC_ENOMEM);
  request_done(it->app);
}

/* Start every request at once. One refused synchronously (bad id, ...) is
 * a failed item; the others go on. */
/* The parameters of `list` (and of the first page of `list --all`). */
static anthropic_models_list_params_t list_params(const app_t *app) {
  const options_t *o = app->o;
  anthropic_models_list_params_t params;
  memset(&params, 0, sizeof params);
  params.after_id = o->after_id;
  params.before_id = o->before_id;
  params.limit = o->all ? o->page_size : o->limit;
  params.lifecycle = o->lifecycles;
  params.lifecycle_count = o->lifecycles_count;
  params.options = app->reqopts_p;
  return params;
}

/* --beta switches every call to the beta endpoints. */
static bool use_beta(const app_t *app) {
  return app->o->betas_count > 0;
}

/* `list`: one page. */
static void start_list(app_t *app) {
  item_t *it = &app->items[0];
  anthropic_models_list_params_t params = list_params(app);
  anthropic_request_id_t req;
  it->app = app;
  it->input = "list";
  req = use_beta(app)
            ? anthropic_beta_models_list(app->client, &params, on_page, it)
            : anthropic_models_list(app->client, &params, on_page, it);
  if (req == 0)
    item_fail(it, anthropic_client_last_error(app->client));
  else
    app->pending++;
}

/* ------------------------------------------------------------------ */
/* JSON output                                                         */
/* ------------------------------------------------------------------ */

static const char *error_message(const item_error_t *e) {
  return e->message != NULL ? e->message : anthropic_strerror(e->kind);
}

/* `s` as a JSON string, quotes included, written at d (at most 6 bytes a
 * byte of s, plus 2); returns the end. As cJSON prints it. */
static char *put_json_string(char *d, const char *s) {
  static const char hexd[] = "0123456789abcdef";
  *d++ = '"';
  for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
    char esc = 0;
    switch (*p) {
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
    } else if (*p < 0x20) {
      memcpy(d, "\\u00", 4);
      d[4] = hexd[*p >> 4];
      d[5] = hexd[*p & 15];
      d += 6;
    } else {
      *d++ = (char)*p;
    }
  }
  *d++ = '"';
  return d;
}

/* `lit` as it is; returns the end. */
static char *put(char *d, const char *lit) {
  size_t n = strlen(lit);
  memcpy(d, lit, n);
  return d + n;
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
static char *failure_line(const char *key, const char *input,
                          const item_error_t *e) {
  const char *kind = anthropic_err_name(e->kind), *msg = error_message(e);
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
static bool print_line(char *line) {
  if (line == NULL)
    return false;
  fputs(line, stdout);
  fputc('\n', stdout);
  free(line);
  return true;
}

/* A model as one JSON line (the library's serialisation); false when out
 * of memory. */
static bool print_model_line(const anthropic_model_info_t *m) {
  char *s = anthropic_model_info_json(m);
  if (s == NULL)
    return false;
  fputs(s, stdout);
  fputc('\n', stdout);
  anthropic_free(s);
  return true;
}

static bool print_json(const app_t *app) {
  for (size_t k = 0; k < app->count; k++) {
    const item_t *it = &app->items[k];
    if (it->failed) {
      if (!print_line(failure_line("input", it->input, &it->err)))
        return false;
    } else if (it->page != NULL) {
      for (size_t j = 0; j < it->page->count; j++)
        if (!print_model_line(&it->page->data[j]))
          return false;
    }
  }
  return true;
}

/* ------------------------------------------------------------------ */
/* Table output                                                        */
/* ------------------------------------------------------------------ */

static const char *const col_titles[NCOLS] = {
    "ID", "DISPLAY NAME", "CREATED", "LIFECYCLE", "MAX IN", "MAX OUT"};

/* Columns of numbers are right-aligned. */
static bool col_right(int col) {
  return col == COL_MAX_IN || col == COL_MAX_OUT;
}

/* Terminal columns `s` takes, as sanitized by put_sanitized(): one per
 * control character (printed as one replacement), the byte length when the
 * text is not valid in the locale's encoding. */
static size_t display_width(const char *s) {
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
static void put_sanitized(FILE *f, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
    if (*p == '\t' || *p == '\n' || *p == '\r')
      fputc(' ', f);
    else if (*p < 0x20 || *p == 0x7f)
      fputc('?', f);
    else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
      fputc('?', f);
      p++;
    } else
      fputc(*p, f);
  }
}

static void put_spaces(size_t n) {
  while (n-- > 0)
    fputc(' ', stdout);
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
    t = m->created_at.state == ANTHROPIC_SET ? m->created_at.text : NULL;
    if (t == NULL)
      return "-";
    if (strlen(t) < 10)
      return t;
    snprintf(buf, len, "%.10s", t); /* RFC 3339 starts with YYYY-MM-DD */
    return buf;
  case COL_LIFECYCLE:
    return m->lifecycle.state == ANTHROPIC_SET && m->lifecycle.value != NULL
               ? m->lifecycle.value
               : "-";
  case COL_MAX_IN:
    num = &m->max_input_tokens;
    break;
  default:
    num = &m->max_tokens;
    break;
  }
  if (num->state != ANTHROPIC_SET)
    return "-";
  snprintf(buf, len, "%" PRId64, num->value);
  return buf;
}

static void print_cell(const char *text, size_t width, int col) {
  size_t w = display_width(text);
  size_t pad = w < width ? width - w : 0; /* list --all: may not fit */
  if (col > 0)
    fputs("  ", stdout);
  if (col_right(col))
    put_spaces(pad);
  put_sanitized(stdout, text);
  if (!col_right(col) && col < NCOLS - 1)
    put_spaces(pad);
}

/* One row of models, or the header when `m` is NULL. */
static void print_model_row(const anthropic_model_info_t *m,
                            const size_t *widths) {
  char buf[32];
  for (int col = 0; col < NCOLS; col++)
    print_cell(m != NULL ? model_cell(m, col, buf, sizeof buf)
                         : col_titles[col],
               widths[col], col);
  fputc('\n', stdout);
}

/* An empty argument would leave the ID cell blank: show it quoted. */
static const char *shown_input(const char *input) {
  return input[0] != '\0' ? input : "\"\"";
}

static const char *table_input(const item_t *it) {
  return shown_input(it->input);
}

static void print_error_row_of(const char *input, const item_error_t *e,
                               const size_t *widths) {
  print_cell(shown_input(input), widths[COL_ID], COL_ID);
  printf("  error: %s %ld ", anthropic_err_name(e->kind), e->status);
  put_sanitized(stdout, error_message(e));
  fputc('\n', stdout);
}

static void print_error_row(const item_t *it, const size_t *widths) {
  print_error_row_of(it->input, &it->err, widths);
}

static void widen(size_t *widths, const anthropic_model_info_t *m) {
  char buf[32];
  for (int col = 0; col < NCOLS; col++) {
    size_t w = display_width(model_cell(m, col, buf, sizeof buf));
    if (w > widths[col])
      widths[col] = w;
  }
}

static void title_widths(size_t *widths) {
  for (int col = 0; col < NCOLS; col++)
    widths[col] = strlen(col_titles[col]);
}

static void print_table(const app_t *app) {
  size_t widths[NCOLS];
  title_widths(widths);
  for (size_t k = 0; k < app->count; k++) {
    const item_t *it = &app->items[k];
    if (it->failed) {
      size_t w = display_width(table_input(it));
      if (w > widths[COL_ID])
        widths[COL_ID] = w;
    } else if (it->page != NULL) {
      for (size_t j = 0; j < it->page->count; j++)
        widen(widths, &it->page->data[j]);
    }
  }
  print_model_row(NULL, widths);
  for (size_t k = 0; k < app->count; k++) {
    const item_t *it = &app->items[k];
    if (it->failed)
      print_error_row(it, widths);
    else if (it->page != NULL)
      for (size_t j = 0; j < it->page->count; j++)
        print_model_row(&it->page->data[j], widths);
  }
}

/* --verbose: a page's size and cursors (the server's text) on stderr. */
static void print_page_cursors(const anthropic_models_page_t *p) {
  fprintf(stderr, "%zu models, has_more %s, first_id ", p->count,
          p->has_more ? "true" : "false");
  put_sanitized(stderr, p->first_id != NULL ? p->first_id : "null");
  fputs(", last_id ", stderr);
  put_sanitized(stderr, p->last_id != NULL ? p->last_id : "null");
  fputc('\n', stderr);
}

/* ------------------------------------------------------------------ */
/* list --all: every page, printed as it arrives                       */
/* ------------------------------------------------------------------ */

/* Print one page and flush it, so a reader sees it at once. Table: the
 * header goes out with the first page, its widths fitted to that page;
 * later rows that do not fit are printed unaligned, never cut. Returns
 * non-zero (stop the walk) when out of memory or stdout failed. */
static int on_walk_page(const anthropic_models_page_t *page, void *data) {
  item_t *it = data;
  app_t *app = it->app;
  app->walk.pages++;
  app->walk.models += page->count;
  if (app->o->verbose) {
    fprintf(stderr, PROG ": page %zu: ", app->walk.pages);
    print_page_cursors(page);
  }
  if (app->o->format == FMT_TABLE) {
    if (!app->walk.header_done) {
      title_widths(app->walk.widths);
      for (size_t j = 0; j < page->count; j++)
        widen(app->walk.widths, &page->data[j]);
      print_model_row(NULL, app->walk.widths);
      app->walk.header_done = true;
    }
    for (size_t j = 0; j < page->count; j++)
      print_model_row(&page->data[j], app->walk.widths);
  } else {
    for (size_t j = 0; j < page->count; j++)
      if (!print_model_line(&page->data[j])) {
        app->walk.out_of_memory = true;
        break;
      }
  }
  if (fflush(stdout) != 0 || ferror(stdout))
    app->walk.write_failed = true;
  return app->walk.out_of_memory || app->walk.write_failed;
}

static void on_walk_done(const anthropic_error_t *err, size_t items,
                         void *data) {
  item_t *it = data;
  if (err != NULL)
    item_fail(it, err);
  if (it->app->o->verbose)
    fprintf(stderr, PROG ": walk ended: pages %zu, models %zu\n",
            it->app->walk.pages, items);
  request_done(it->app);
}

static void start_walk(app_t *app) {
  item_t *it = &app->items[0];
  anthropic_models_list_params_t params = list_params(app);
  anthropic_request_id_t req;
  it->app = app;
  it->input = "list";
  req = use_beta(app)
            ? anthropic_beta_models_list_all(app->client, &params, 0,
                                             on_walk_page, on_walk_done, it)
            : anthropic_models_list_all(app->client, &params, 0, on_walk_page,
                                        on_walk_done, it);
  if (req == 0)
    item_fail(it, anthropic_client_last_error(app->client));
  else
    app->pending++;
}

/* After the walk: what is left to print (a table's header when no page
 * came, the error that ended the walk); the exit status. */
static int report_walk(app_t *app) {
  const item_t *it = &app->items[0];
  int status = EXIT_OK;
  if (app->o->format == FMT_TABLE && !app->walk.header_done) {
    size_t w = display_width(table_input(it));
    title_widths(app->walk.widths);
    if (it->failed && w > app->walk.widths[COL_ID])
      app->walk.widths[COL_ID] = w;
    print_model_row(NULL, app->walk.widths);
  }
  if (it->failed) {
    status = EXIT_FAILED;
    if (app->o->format == FMT_TABLE)
      print_error_row(it, app->walk.widths);
    else if (!print_line(failure_line("input", it->input, &it->err)))
      app->walk.out_of_memory = true;
  }
  if (app->walk.out_of_memory) {
    fputs(PROG ": out of memory\n", stderr);
    status = EXIT_FAILED;
  }
  if (app->walk.write_failed || fflush(stdout) != 0 || ferror(stdout)) {
    fputs(PROG ": error writing to stdout\n", stderr);
    status = EXIT_FAILED;
  }
  return status;
}

static void on_flush(uv_prepare_t *h);

static uint64_t hash_text(const char *s) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (; *s != '\0'; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

static entry_t *entry_new(app_t *app, const char *text, size_t len) {
  entry_t *e = calloc(1, sizeof *e + len + 1);
  if (e == NULL)
    return NULL;
  e->app = app;
  memcpy(e->text, text, len);
  e->text[len] = '\0';
  e->hash = hash_text(e->text);
  return e;
}

static void entry_free(entry_t *e) {
  item_error_free(&e->err);
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
  struct stream *st = &app->st;
  entry_t *e = entry_new(app, text, len), *old;
  if (e == NULL)
    return NULL;
  if ((old = entry_find(st, e->text, e->hash)) != NULL) {
    free(e);
    return old;
  }
  if (st->table == NULL || st->distinct > st->mask) {
    size_t n = st->table == NULL ? 256 : (st->mask + 1) * 2;
    entry_t **t = calloc(n, sizeof *t);
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

/* Room for one more input, made before its request starts: a request
 * whose input could not be kept would have nowhere to write. */
static bool reserve_input(struct stream *st) {
  if (st->count == st->cap) {
    size_t n = st->cap ? st->cap * 2 : 1024;
    entry_t **a = realloc(st->inputs, n * sizeof *a);
    if (a == NULL)
      return false;
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

/* {"alias","id","display_name"}: what resolve prints for a found alias, in
 * a malloc'd buffer. */
static char *resolved_line(const char *alias, const anthropic_model_info_t *m) {
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
static char *model_line(const anthropic_model_info_t *m) {
  char *s = anthropic_model_info_json(m), *line = NULL;
  if (s != NULL)
    line = strdup(s);
  anthropic_free(s);
  return line;
}

/* An entry's outcome is known: keep what its lines need, nothing more.
 * A cancel that Ctrl-C caused is no outcome: that input is not written. */
static void entry_finish(app_t *app, entry_t *e, const anthropic_error_t *err,
                         const anthropic_model_info_t *model) {
  struct stream *st = &app->st;
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
    err_keep(&e->err, err);
    if (!is_table(app))
      e->line = failure_line(key, e->text, &e->err);
  } else if (is_resolve(app)) {
    e->line = resolved_line(e->text, model);
  } else if (is_table(app)) {
    e->model = anthropic_model_info_copy(model);
  } else {
    e->line = model_line(model);
  }
  if (is_table(app) ? (!e->failed && e->model == NULL) : e->line == NULL)
    st->out_of_memory = true; /* its line is left out, and said so */
}

/* Clear the progress line before anything else goes to stderr. */
static void progress_clear(struct stream *st) {
  if (st->progress_shown) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
  }
  st->progress_shown = false;
}

/* One human line a failure, so `| jq -r .id` never fails silently. */
static void report_failure(struct stream *st, const entry_t *e) {
  progress_clear(st);
  fputs(PROG ": ", stderr);
  put_sanitized(stderr, e->text[0] != '\0' ? e->text : "\"\"");
  fprintf(stderr, ": %s", anthropic_err_name(e->err.kind));
  if (e->err.status != 0)
    fprintf(stderr, " %ld", e->err.status);
  fputs(": ", stderr);
  put_sanitized(stderr, error_message(&e->err));
  fputc('\n', stderr);
}

/* Table: the header, with widths fitted to every row known now, and at
 * least what today's ids and names take, so that rows known later line
 * up too (a wider one is printed whole, unaligned). */
static void stream_header(struct stream *st) {
  static const size_t at_least[NCOLS] = {30, 20, 10, 10, 7, 7};
  title_widths(st->widths);
  for (int col = 0; col < NCOLS; col++)
    if (st->widths[col] < at_least[col])
      st->widths[col] = at_least[col];
  for (size_t k = st->written; k < st->count; k++) {
    const entry_t *e = st->inputs[k];
    if (e == NULL || e->state != E_DONE)
      continue;
    if (e->model != NULL)
      widen(st->widths, e->model);
    else if (display_width(e->text) > st->widths[COL_ID])
      st->widths[COL_ID] = display_width(e->text);
  }
  print_model_row(NULL, st->widths);
  st->header_done = true;
}

static void write_entry(app_t *app, const entry_t *e) {
  struct stream *st = &app->st;
  if (is_table(app)) {
    if (!st->header_done)
      stream_header(st);
    if (e->failed)
      print_error_row_of(e->text, &e->err, st->widths);
    else if (e->model != NULL)
      print_model_row(e->model, st->widths);
  } else if (e->line != NULL) {
    fputs(e->line, stdout);
    fputc('\n', stdout);
  }
  if (e->failed) {
    st->failures++;
    report_failure(st, e);
  }
  st->dirty = true;
}

/* Write every input whose line is known and all before it are out. A
 * get entry serves one input: it is freed once written. */
/* resolve, once no input can come any more: an alias whose every input
 * is written has no use left. Its entry leaves the table and is freed, so
 * that what a run holds is what is in flight or waits to be written. */
static void entry_retire(struct stream *st, entry_t *e) {
  entry_t **p = &st->table[e->hash & st->mask];
  while (*p != e)
    p = &(*p)->hnext;
  *p = e->hnext;
  st->distinct--;
  entry_free(e);
}

/* At the end of input: retire the aliases already written in full. */
static void retire_written(struct stream *st) {
  for (size_t i = 0; st->table != NULL && i <= st->mask; i++)
    for (entry_t *e = st->table[i], *next; e != NULL; e = next) {
      next = e->hnext;
      if (e->state == E_DONE && e->unwritten == 0)
        entry_retire(st, e);
    }
}

static void write_ready(app_t *app) {
  struct stream *st = &app->st;
  while (st->written < st->count && st->inputs[st->written]->state == E_DONE) {
    entry_t *e = st->inputs[st->written];
    write_entry(app, e); /* a table's header fits this row too */
    st->inputs[st->written] = NULL;
    if (!e->interned)
      entry_free(e); /* it served this input alone */
    else if (--e->unwritten == 0 && st->input_done)
      entry_retire(st, e);
    st->written++;
  }
  if (st->dirty && st->ui_open)
    uv_prepare_start(&st->flush, on_flush);
}

/* After Ctrl-C: what is done, in input order, past the first that is not. */
static void write_rest(app_t *app) {
  struct stream *st = &app->st;
  for (size_t k = st->written; k < st->count; k++) {
    const entry_t *e = st->inputs[k];
    if (e != NULL && e->state == E_DONE)
      write_entry(app, e);
  }
}

/* Once a loop turn with something written, just before the loop waits:
 * one write(2) for many lines, and nothing held while it waits. */
static void on_flush(uv_prepare_t *h) {
  app_t *app = h->data;
  if (fflush(stdout) != 0 || ferror(stdout))
    app->st.write_failed = true;
  app->st.dirty = false;
  uv_prepare_stop(h);
}

static void on_progress(uv_timer_t *t) {
  app_t *app = t->data;
  struct stream *st = &app->st;
  double secs = (double)(uv_now(&app->loop) - st->started_ms) / 1000.0;
  fprintf(stderr, "\r\033[K" PROG ": %zu/%zu%s done, %.0f/s", st->done,
          st->count, st->input_done ? "" : "+",
          secs > 0 ? (double)st->done / secs : 0.0);
  fflush(stderr);
  st->progress_shown = true;
}

static void close_ui(app_t *app) {
  struct stream *st = &app->st;
  if (!st->ui_open)
    return;
  st->ui_open = false;
  uv_close((uv_handle_t *)&st->sigint, NULL);
  uv_close((uv_handle_t *)&st->sigterm, NULL);
  uv_close((uv_handle_t *)&st->progress, NULL);
  uv_close((uv_handle_t *)&st->flush, NULL);
}

static void close_stdin(struct stream *st) {
  if (!st->in_open)
    return;
  st->in_open = false;
  uv_close(&st->in.handle, NULL);
}

/* Everything has called back (or Ctrl-C): close what we opened and the
 * client, so that the loop runs out. */
static void stream_finish(app_t *app) {
  struct stream *st = &app->st;
  if (st->finishing)
    return;
  st->finishing = true;
  close_ui(app);
  close_stdin(st);
  close_client(app);
}

static void maybe_finish(app_t *app) {
  struct stream *st = &app->st;
  if (st->input_done && (is_resolve(app) ? st->batch_done : st->pending == 0))
    stream_finish(app);
}

static void input_end(app_t *app) {
  struct stream *st = &app->st;
  if (st->input_done)
    return;
  st->input_done = true;
  if (is_resolve(app) && !st->interrupted)
    (void)anthropic_resolve_end(app->client, st->batch);
  retire_written(st);
  maybe_finish(app);
}

static void on_resolved(const anthropic_error_t *err,
                        const anthropic_model_info_t *model, const char *alias,
                        size_t index, void *data) {
  app_t *app = data;
  entry_t *e = entry_find(&app->st, alias, hash_text(alias));
  (void)index; /* every input of an alias shares its entry */
  if (e != NULL) {
    entry_finish(app, e, err, model);
    write_ready(app);
  }
}

static void on_batch_done(anthropic_resolve_id_t id, void *data) {
  app_t *app = data;
  (void)id;
  app->st.batch_done = true;
  maybe_finish(app);
}

static void on_got(const anthropic_error_t *err,
                   const anthropic_model_info_t *model, void *data) {
  entry_t *e = data;
  app_t *app = e->app;
  app->st.pending--;
  entry_finish(app, e, err, model);
  write_ready(app);
  maybe_finish(app);
}

/* One input: an argument, or a line of stdin. A line past MAX_LINE is an
 * error line of its own (its first bytes shown). Returns false when out
 * of memory, which ends the run. */
static bool add_input(app_t *app, const char *text, size_t len, bool too_long) {
  struct stream *st = &app->st;
  entry_t *e;
  if (!reserve_input(st)) {
    st->out_of_memory = true;
    return false;
  }
  if (too_long) {
    anthropic_error_t err = {0};
    err.kind = ANTHROPIC_EINVAL;
    err.message = "input line longer than 1024 bytes";
    if ((e = entry_new(app, text, len > 64 ? 64 : len)) != NULL) {
      e->refs = 1;
      entry_finish(app, e, &err, NULL);
    }
  } else if (is_resolve(app)) {
    if ((e = entry_intern(app, text, len)) != NULL) {
      e->refs++;
      e->unwritten++;
      if (e->state == E_DONE)
        st->done++;
      else if (e->state == E_PENDING &&
               anthropic_resolve_add(app->client, st->batch, e->text) != 0)
        entry_finish(app, e, anthropic_client_last_error(app->client), NULL);
    }
  } else if ((e = entry_new(app, text, len)) != NULL) {
    anthropic_models_retrieve_params_t params = {.options = app->reqopts_p};
    anthropic_request_id_t req =
        use_beta(app) ? anthropic_beta_models_retrieve(app->client, e->text,
                                                       &params, on_got, e)
                      : anthropic_models_retrieve(app->client, e->text, &params,
                                                  on_got, e);
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
  st->inputs[st->count++] = e;
  write_ready(app);
  return true;
}

static bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

/* A whole line of stdin: CR LF taken as LF, surrounding blanks trimmed,
 * blank lines skipped. */
static bool line_end(app_t *app) {
  struct stream *st = &app->st;
  const char *p = st->part;
  size_t n = st->part_len;
  bool too_long = st->part_long, ok = true;
  st->part_len = 0;
  st->part_long = false;
  if (!too_long && n > 0 && p[n - 1] == '\r')
    n--;
  while (n > 0 && is_blank(*p)) {
    p++;
    n--;
  }
  while (n > 0 && is_blank(p[n - 1]))
    n--;
  if (n > 0 || too_long)
    ok = add_input(app, p, n, too_long);
  return ok;
}

/* Split what stdin gave into lines; false when the run must stop. */
static bool feed(app_t *app, const char *buf, size_t n) {
  struct stream *st = &app->st;
  while (n > 0 && !st->finishing) {
    const char *nl = memchr(buf, '\n', n);
    size_t take = nl != NULL ? (size_t)(nl - buf) : n;
    size_t room = MAX_LINE - st->part_len;
    memcpy(st->part + st->part_len, buf, take < room ? take : room);
    st->part_len += take < room ? take : room;
    if (take > room)
      st->part_long = true;
    if (nl == NULL)
      break;
    if (!line_end(app))
      return false;
    buf = nl + 1;
    n -= take + 1;
  }
  return true;
}

static void stdin_done(app_t *app) {
  struct stream *st = &app->st;
  if (st->part_len > 0 || st->part_long)
    (void)line_end(app); /* the last line had no newline */
  close_stdin(st);
  input_end(app);
}

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf) {
  app_t *app = h->data;
  (void)size;
  *buf = uv_buf_init(app->st.rbuf, sizeof app->st.rbuf);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  app_t *app = s->data;
  struct stream *st = &app->st;
  if (n == 0)
    return; /* EAGAIN */
  if (n > 0) {
    if (!feed(app, buf->base, (size_t)n)) { /* out of memory: stop here */
      close_stdin(st);
      input_end(app);
    }
    return;
  }
  if (n != UV_EOF) {
    progress_clear(st);
    fprintf(stderr, PROG ": reading stdin: %s\n", uv_strerror((int)n));
    st->read_failed = true;
  }
  stdin_done(app);
}

/* Read stdin as it arrives: a pipe or socket, or a terminal, through the
 * loop; a file (or /dev/null) at once, as read(2) never waits on it. */
static void open_stdin(app_t *app) {
  struct stream *st = &app->st;
  uv_handle_type type = uv_guess_handle(STDIN_FILENO);
  int rc;
  if (type == UV_FILE) {
    ssize_t n;
    while ((n = read(STDIN_FILENO, st->rbuf, sizeof st->rbuf)) > 0 ||
           (n < 0 && errno == EINTR))
      if (n > 0 && !feed(app, st->rbuf, (size_t)n))
        break;
    if (n < 0) {
      fprintf(stderr, PROG ": reading stdin: %s\n", strerror(errno));
      st->read_failed = true;
    }
    stdin_done(app);
    return;
  }
  if (type == UV_TTY)
    rc = uv_tty_init(&app->loop, &st->in.tty, STDIN_FILENO, 1);
  else if (type == UV_NAMED_PIPE || type == UV_TCP) {
    rc = uv_pipe_init(&app->loop, &st->in.pipe, 0);
    if (rc == 0 && (rc = uv_pipe_open(&st->in.pipe, STDIN_FILENO)) != 0)
      uv_close(&st->in.handle, NULL);
  } else
    rc = UV_EINVAL;
  if (rc == 0) {
    st->in_open = true;
    st->in.handle.data = app;
    rc = uv_read_start(&st->in.stream, on_alloc, on_read);
  }
  if (rc != 0) {
    fprintf(stderr, PROG ": cannot read stdin: %s\n", uv_strerror(rc));
    st->read_failed = true;
    close_stdin(st);
    input_end(app);
  }
}

/* Ctrl-C (or SIGTERM): stop reading, cancel what is in flight by closing
 * the client; the lines that are done are written at the end. The signal
 * handles close at once, so a second Ctrl-C kills as usual. */
static void on_signal(uv_signal_t *h, int signum) {
  app_t *app = h->data;
  struct stream *st = &app->st;
  (void)signum;
  st->interrupted = true;
  st->input_done = true;
  stream_finish(app);
}

/* The loop's side of a stream: signals, progress, the flush. None of them
 * keeps the loop alive. */
static void open_ui(app_t *app) {
  struct stream *st = &app->st;
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

static void start_stream(app_t *app) {
  struct stream *st = &app->st;
  const options_t *o = app->o;
  open_ui(app);
  if (is_resolve(app)) {
    anthropic_resolve_options_t ro = ANTHROPIC_RESOLVE_OPTIONS_INIT;
    app->retrieve_params.options = app->reqopts_p;
    ro.concurrency = o->concurrency;
    ro.params = &app->retrieve_params; /* outlives the batch */
    st->batch = anthropic_resolve_start(app->client, &ro, on_resolved,
                                        on_batch_done, app);
    if (st->batch == 0) {
      const anthropic_error_t *err = anthropic_client_last_error(app->client);
      fprintf(stderr, PROG ": %s\n",
              err->message != NULL ? err->message
                                   : anthropic_strerror(err->kind));
      st->read_failed = true; /* nothing was done: exit 1 */
      st->input_done = st->batch_done = true;
      stream_finish(app);
      return;
    }
  }
  if (o->from_stdin) {
    open_stdin(app);
    return;
  }
  for (size_t k = 0; k < o->ids_count; k++)
    if (!add_input(app, o->ids[k], strlen(o->ids[k]), false))
      break;
  input_end(app);
}

/* After the loop: anything left to write, what was not done; the exit
 * status. */
static int report_stream(app_t *app) {
  struct stream *st = &app->st;
  int status = EXIT_OK;
  if (st->written < st->count)
    write_rest(app);
  progress_clear(st);
  if (st->failures > 0 || st->read_failed)
    status = EXIT_FAILED;
  if (st->out_of_memory) {
    fputs(PROG ": out of memory: some lines were not written\n", stderr);
    status = EXIT_FAILED;
  }
  if (fflush(stdout) != 0 || ferror(stdout) || st->write_failed) {
    fputs(PROG ": error writing to stdout\n", stderr);
    status = EXIT_FAILED;
  }
  if (st->interrupted) {
    size_t not_done = st->count - st->done;
    fprintf(stderr, PROG ": interrupted: %zu of %zu inputs not done%s\n",
            not_done, st->count, st->input_done ? "" : " (or not read)");
    status = EXIT_INTERRUPTED;
  }
  return status;
}

static void free_stream(app_t *app) {
  struct stream *st = &app->st;
  /* Entries of the alias table are shared; any other serves one input. */
  for (size_t k = 0; k < st->count; k++)
    if (st->inputs[k] != NULL && !st->inputs[k]->interned)
      entry_free(st->inputs[k]);
  for (size_t i = 0; st->table != NULL && i <= st->mask; i++)
    while (st->table[i] != NULL) {
      entry_t *e = st->table[i];
      st->table[i] = e->hnext;
      entry_free(e);
    }
  free(st->table);
  free(st->inputs);
}

/* ------------------------------------------------------------------ */
/* Setup, run, teardown                                                */
/* ------------------------------------------------------------------ */

/* --verbose: the library's log lines carry the server's text (its
 * request-id): sanitized like everything else it sent. */
static void on_log(void *log_data, const char *line) {
  (void)log_data;
  fputs(PROG ": ", stderr);
  put_sanitized(stderr, line);
  fputc('\n', stderr);
}

/* --verbose: where requests go and which key, never the key itself. */
static void print_config(const options_t *o) {
  const char *url = o->base_url, *key = o->api_key;
  char shown[64];
  size_t len;
  if (url == NULL && (url = getenv("ANTHROPIC_BASE_URL")) == NULL)
    url = "https://api.anthropic.com";
  if (key == NULL)
    key = getenv("ANTHROPIC_API_KEY");
  len = key != NULL ? strlen(key) : 0;
  if (key == NULL || len == 0)
    snprintf(shown, sizeof shown, "%s", key == NULL ? "(none)" : "(not sent)");
  else if (len >= 12) /* the last 4 tell keys apart and leave 8+ hidden */
    snprintf(shown, sizeof shown, "\xe2\x80\xa6%s", key + len - 4);
  else
    snprintf(shown, sizeof shown, "***");
  fputs(PROG ": base URL ", stderr);
  put_sanitized(stderr, url);
  fputs(", API key ", stderr);
  put_sanitized(stderr, shown);
  for (size_t k = 0; k < o->betas_count; k++) {
    fputs(k == 0 ? ", betas " : ",", stderr);
    put_sanitized(stderr, o->betas[k]);
  }
  if (o->workspace_id != NULL) {
    fputs(", workspace ", stderr);
    put_sanitized(stderr, o->workspace_id);
  }
  fputc('\n', stderr);
}

/* After an EINVAL from init: was a command-line value at fault? Tries the
 * flag values alone, with the environment ignored. */
static bool flags_at_fault(uv_loop_t *loop, const options_t *o) {
  anthropic_client_options_t co;
  anthropic_client_t *probe = NULL;
  if (o->base_url == NULL && o->api_key == NULL && o->betas_count == 0)
    return false;
  memset(&co, 0, sizeof co);
  co.flags = ANTHROPIC_CLIENT_NO_ENV;
  co.base_url = o->base_url;
  /* A stand-in key when none was given: a missing credential is not a
   * flag's fault. */
  co.api_key = o->api_key != NULL ? o->api_key : "probe";
  co.betas = o->betas;
  co.betas_count = o->betas_count;
  if (anthropic_client_init(loop, &probe, &co, NULL, 0) == ANTHROPIC_EINVAL)
    return true;
  if (probe != NULL) {
    anthropic_client_close(probe, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
  }
  return false;
}

/* Returns PROCEED with app->client set, or the exit status. */
static int init_client(app_t *app, const options_t *o) {
  anthropic_client_options_t co;
  char errbuf[512] = "";
  int rc;
  FILE *ca;
  /* libcurl would only say so at each request, as a TLS error. */
  if (o->cacert != NULL) {
    if ((ca = fopen(o->cacert, "r")) == NULL) {
      int e = errno;
      fputs(PROG ": --cacert: cannot read '", stderr);
      put_sanitized(stderr, o->cacert);
      fprintf(stderr, "': %s\n", strerror(e));
      return EXIT_FAILED;
    }
    fclose(ca);
  }
  memset(&co, 0, sizeof co);
  co.base_url = o->base_url;
  co.api_key = o->api_key;
  if (o->max_retries >= 0)
    co.max_retries =
        o->max_retries == 0 ? ANTHROPIC_NO_RETRIES : (int)o->max_retries;
  co.timeout_ms = o->timeout_ms;
  co.connect_timeout_ms = o->connect_timeout_ms;
  co.betas = o->betas;
  co.betas_count = o->betas_count;
  if (o->concurrency > 0) {
    /* N at once: over HTTP/1.1 that takes N connections. */
    co.max_requests_in_flight = o->concurrency;
    co.max_host_connections = o->concurrency;
  }
  co.ca_bundle = o->cacert;
  if (o->http1)
    co.flags |= ANTHROPIC_CLIENT_HTTP1;
  if (o->verbose)
    co.log_cb = on_log;
  rc = anthropic_client_init(&app->loop, &app->client, &co, errbuf,
                             sizeof errbuf);
  if (rc == 0) {
    anthropic_client_set_data(app->client, app);
    return PROCEED;
  }
  app->client = NULL;
  if (errbuf[0] == '\0')
    snprintf(errbuf, sizeof errbuf, "%s", anthropic_strerror(rc));
  if (rc == ANTHROPIC_EINVAL && flags_at_fault(&app->loop, o))
    return usage_error("%s", errbuf);
  fprintf(stderr, PROG ": %s\n", errbuf);
  return EXIT_FAILED;
}

static void free_items(app_t *app) {
  if (app->items == NULL)
    return;
  for (size_t k = 0; k < app->count; k++) {
    item_t *it = &app->items[k];
    item_error_free(&it->err);
    if (it->page != NULL)
      anthropic_models_page_free(it->page);
  }
  free(app->items);
  app->items = NULL;
}

static void print_page_info(const app_t *app) {
  const anthropic_models_page_t *p = app->items[0].page;
  if (p == NULL)
    return;
  fputs(PROG ": page of ", stderr);
  print_page_cursors(p);
}

/* Print every result in order; the exit status. */
static int report(const app_t *app, const options_t *o) {
  int status = EXIT_OK;
  if (o->format == FMT_TABLE)
    print_table(app);
  else if (!print_json(app)) {
    fputs(PROG ": out of memory\n", stderr);
    status = EXIT_FAILED;
  }
  if (o->verbose && o->command == CMD_LIST)
    print_page_info(app);
  for (size_t k = 0; k < app->count; k++)
    if (app->items[k].failed)
      status = EXIT_FAILED;
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fputs(PROG ": error writing to stdout\n", stderr);
    status = EXIT_FAILED;
  }
  return status;
}

static void on_walk(uv_handle_t *handle, void *arg) {
  (void)arg;
  fprintf(stderr, PROG ":   still open: %s handle\n",
          uv_handle_type_name(handle->type));
}

/* Close the loop; anything left open is a bug worth showing. */
static void close_loop(uv_loop_t *loop) {
  int rc = uv_loop_close(loop);
  if (rc != 0) {
    fprintf(stderr, PROG ": uv_loop_close: %s\n", uv_strerror(rc));
    uv_walk(loop, on_walk, NULL);
  }
}

static int run(const options_t *o) {
  app_t app;
  int rc;
  memset(&app, 0, sizeof app);
  app.o = o;
  if (o->workspace_id != NULL) {
    app.reqopts.workspace_id = o->workspace_id;
    app.reqopts_p = &app.reqopts;
  }
  if ((rc = uv_loop_init(&app.loop)) != 0) {
    fprintf(stderr, PROG ": uv_loop_init: %s\n", uv_strerror(rc));
    return EXIT_FAILED;
  }
  rc = init_client(&app, o);
  if (rc == PROCEED) {
    /* After init: the library has refused a base URL with credentials in
     * it, so printing the URL cannot show them. */
    if (o->verbose)
      print_config(o);
    if (o->command != CMD_LIST) {
      start_stream(&app);
    } else if ((app.items = calloc(1, sizeof *app.items)) == NULL) {
      fputs(PROG ": out of memory\n", stderr);
      rc = EXIT_FAILED;
    } else {
      app.count = 1;
      if (o->all)
        start_walk(&app);
      else
        start_list(&app);
      if (app.pending == 0) /* nothing in flight: no callback closes it */
        close_client(&app);
    }
    uv_run(&app.loop, UV_RUN_DEFAULT);
    if (app.client != NULL)
      fputs(PROG ": the loop stopped before the client closed\n", stderr);
    if (o->command != CMD_LIST)
      rc = report_stream(&app);
    else if (app.items != NULL)
      rc = o->all ? report_walk(&app) : report(&app, o);
    if (o->command != CMD_LIST)
      free_stream(&app);
    free_items(&app);
  }
  close_loop(&app.loop);
  return rc;
}

int main(int argc, char **argv) {
  options_t o;
  int rc = parse_args(argc, argv, &o);
  if (rc == PROCEED) {
    /* A failure line is one write(2), not one per piece: a run can have
     * hundreds of thousands. The progress line flushes itself. */
    setvbuf(stderr, NULL, _IOLBF, 0);
    /* Display widths follow the user's locale; numbers stay in "C". */
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    if (o.format == FMT_AUTO)
      o.format = isatty(STDOUT_FILENO) ? FMT_TABLE : FMT_JSON;
    rc = run(&o);
  }
  free(o.ids);
  free(o.betas);
  free(o.lifecycles);
  return rc;
}
