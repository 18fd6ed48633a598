/*
 * args.c - the command line: global options, then the command and its own
 * options and arguments, into an options_t; --help's text. Values are
 * checked as far as they can be alone (the library checks the rest).
 */
#define _XOPEN_SOURCE 700 /* strdup, isatty, wcwidth: see cli.h */

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "anthropic.h"
#include "cli.h"

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
    "                  print every page: JSON as each arrives, a table once\n"
    "                  all are in (N: models per request, 1..1000, default\n"
    "                  the server's); forward from the start or --after-id,\n"
    "                  backward from --before-id\n"
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
    "an input that is not valid UTF-8 or has a NUL byte is no model id: it\n"
    "gets an error line (invalid_argument) and no request is made. Output\n"
    "is UTF-8: bytes that are not valid UTF-8 (of an input shown in an\n"
    "error line, of an error message) are written as U+FFFD.\n"
    "\n"
    "failures are also reported on stderr, one line each. On a terminal,\n"
    "stderr shows progress during long runs. Ctrl-C writes what is done\n"
    "and exits 130.\n"
    "\n"
    "exit status: 0 all requests succeeded, 1 some failed, 2 usage error,\n"
    "130 interrupted\n";

/* Print a one-line usage error to stderr; returns the usage exit status. */
int cli_usage_error(const char *fmt, ...) {
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
    return cli_usage_error("option '%.*s' must come before the command",
                           opt_name_len(arg), arg);
  if (arg[0] == '-' && arg[1] != '\0')
    return cli_usage_error("unknown option '%.*s' for '%s'", opt_name_len(arg),
                           arg, cmd);
  return cli_usage_error("unexpected argument '%s' for '%s'", arg, cmd);
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
        return cli_usage_error("option '--limit' needs a value");
      if (!parse_limit(val, &o->limit))
        return cli_usage_error(
            "--limit must be an integer from 1 to 1000, not '%s'", val);
    } else if (opt_is(a, "--page-size", &v)) {
      if (!opt_value(argc, argv, &i, v, &val))
        return cli_usage_error("option '--page-size' needs a value");
      if (!parse_limit(val, &o->page_size))
        return cli_usage_error(
            "--page-size must be an integer from 1 to 1000, not '%s'", val);
      page_size_given = true;
    } else if (opt_is(a, "--all", &v) && v == NULL) {
      o->all = true;
    } else if (opt_is(a, "--lifecycle", &v)) {
      if (!opt_value(argc, argv, &i, v, &val))
        return cli_usage_error("option '--lifecycle' needs a value");
      if (!is_lifecycle(val))
        return cli_usage_error("--lifecycle must be active, deprecated or "
                               "retired, not '%s'",
                               val);
      o->lifecycles[o->lifecycles_count++] = val;
    } else if (opt_is(a, "--all", &v)) {
      return cli_usage_error("option '--all' takes no value");
    } else if (opt_is(a, "--after-id", &v)) {
      if (!opt_value(argc, argv, &i, v, &o->after_id))
        return cli_usage_error("option '--after-id' needs a value");
    } else if (opt_is(a, "--before-id", &v)) {
      if (!opt_value(argc, argv, &i, v, &o->before_id))
        return cli_usage_error("option '--before-id' needs a value");
    } else {
      return bad_command_arg("list", a);
    }
  }
  if (o->after_id != NULL && o->before_id != NULL)
    return cli_usage_error(
        "--after-id and --before-id cannot be used together");
  if (o->all && o->limit != 0)
    return cli_usage_error(
        "--limit cannot be used with --all (use --page-size)");
  if (page_size_given && !o->all)
    return cli_usage_error(
        "--page-size needs --all (use --limit for one page)");
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
    return cli_usage_error("'%s' needs at least one model id or alias, or '-'",
                           cmd);
  if (o->from_stdin && o->ids_count > 1)
    return cli_usage_error("'-' (read stdin) must be the only input of '%s'",
                           cmd);
  if (o->command == CMD_RESOLVE && o->format == FMT_TABLE)
    return cli_usage_error("'resolve' writes JSON lines; --table is for list "
                           "and get");
  if (o->command == CMD_RESOLVE && o->betas_count > 0)
    return cli_usage_error("'resolve' uses the models endpoint, not the beta "
                           "one: --beta is for list and get");
  return PROCEED;
}

/* Fills *o. Returns PROCEED, or the exit status when the program is done
 * (help, version, usage error). */
int cli_parse_args(int argc, char **argv, options_t *o) {
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
        return cli_usage_error("option '--base-url' needs a value");
    } else if (opt_is(a, "--api-key", &v)) {
      if (!opt_value(argc, argv, &i, v, &o->api_key))
        return cli_usage_error("option '--api-key' needs a value");
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
        return cli_usage_error(
            "option '--max-retries' needs an integer 0..100");
      o->max_retries = (long)n;
    } else if (opt_is(a, "--timeout", &v) ||
               opt_is(a, "--connect-timeout", &v)) {
      bool connect = opt_is(a, "--connect-timeout", &v);
      const char *val;
      uint64_t n;
      if (!opt_value(argc, argv, &i, v, &val) ||
          !parse_uint(val, 1, 86400000, &n))
        return cli_usage_error("option '%s' needs milliseconds, 1..86400000",
                               connect ? "--connect-timeout" : "--timeout");
      *(connect ? &o->connect_timeout_ms : &o->timeout_ms) = n;
    } else if (opt_is(a, "--beta", &v)) {
      const char *val;
      if (!opt_value(argc, argv, &i, v, &val) || val[0] == '\0')
        return cli_usage_error("option '--beta' needs a beta name");
      o->betas[o->betas_count++] = val;
    } else if (opt_is(a, "--workspace", &v)) {
      if (!opt_value(argc, argv, &i, v, &o->workspace_id) ||
          o->workspace_id[0] == '\0')
        return cli_usage_error("option '--workspace' needs a workspace id");
    } else if (opt_is(a, "--concurrency", &v)) {
      const char *val;
      uint64_t n;
      if (!opt_value(argc, argv, &i, v, &val) ||
          !parse_uint(val, 1, 100000, &n))
        return cli_usage_error("option '--concurrency' needs an integer "
                               "1..100000");
      o->concurrency = (unsigned)n;
    } else if (opt_is(a, "--cacert", &v)) {
      if (!opt_value(argc, argv, &i, v, &o->cacert) || o->cacert[0] == '\0')
        return cli_usage_error("option '--cacert' needs a file");
    } else if (opt_is(a, "--http1.1", &v) && v == NULL) {
      o->http1 = true;
    } else if (is_global_option(a)) {
      return cli_usage_error("option '%.*s' takes no value", opt_name_len(a),
                             a);
    } else {
      return cli_usage_error("unknown option '%.*s'", opt_name_len(a), a);
    }
  }
  if (i >= argc)
    return cli_usage_error("missing command (list, get or resolve)");
  if (strcmp(argv[i], "list") == 0) {
    o->command = CMD_LIST;
    return parse_list_args(argc, argv, i + 1, o);
  }
  if (strcmp(argv[i], "get") == 0 || strcmp(argv[i], "resolve") == 0) {
    o->command = argv[i][0] == 'g' ? CMD_GET : CMD_RESOLVE;
    return parse_get_args(argc, argv, i + 1, o);
  }
  return cli_usage_error("unknown command '%s'", argv[i]);
}
