/*
 * args.c - the command line into an options_t: global options anywhere,
 * the command, its own options and arguments after it, "--" to end the
 * options; short options combined as getopt takes them. --help's text.
 * Values are checked as far as they can be alone (the library checks the
 * rest).
 */
#define _XOPEN_SOURCE 700 /* strdup, isatty, wcwidth: see cli.h */

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "anthropic.h"
#include "cli.h"

static const char usage_text[] =
    "usage: " PROG " [OPTION]... COMMAND [COMMAND OPTION]... [ARG]...\n"
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
    "                  look models up, side by side; one line per input, in\n"
    "                  input order, each written as soon as it and every\n"
    "                  earlier one are known\n"
    "  resolve ALIAS... | resolve -\n"
    "                  resolve aliases to model ids, one request per distinct\n"
    "                  alias; one JSON line per input, in input order:\n"
    "                  {\"alias\",\"id\",\"display_name\"}, or an error line\n"
    "  audit [--within DAYS] [--now TIME] [--from FILE] [ALIAS...] | audit -\n"
    "                  resolve every input in one batch and judge its model's\n"
    "                  lifecycle: one line per input, in input order (input,\n"
    "                  id, lifecycle, deprecated_at, retires_at, days to\n"
    "                  retirement, risk: none, at_risk, retired or unknown),\n"
    "                  a summary on stderr; no input named and stdin not a\n"
    "                  terminal: stdin\n"
    "  watch [--interval DURATION] [ALIAS...]\n"
    "                  watch the model list (and the aliases) for changes\n"
    "                  until Ctrl-C: one line per event (snapshot, added,\n"
    "                  removed, lifecycle_changed, deprecated_at_changed,\n"
    "                  retires_at_changed, alias_moved, error, cycle)\n"
    "  -               (get, resolve, audit) read the inputs from stdin, one "
    "a\n"
    "                  line (surrounding blanks trimmed, blank lines skipped;\n"
    "                  audit: '#' starts a comment)\n"
    "\n"
    "list options (after list):\n"
    "  --lifecycle STAGE\n"
    "                  active, deprecated or retired; repeat for several\n"
    "                  (default: the server's, active and deprecated)\n"
    "  --limit N and --page-size N cannot be used together; --page-size\n"
    "  needs --all\n"
    "\n";
/* In parts: C11 compilers need not take a string longer than 4095. */
static const char usage_text2[] =
    "audit options (after audit):\n"
    "  --within DAYS   a model retiring within DAYS days is at risk, "
    "0..100000\n"
    "                  (default 90)\n"
    "  --now TIME      judge as of TIME, RFC 3339 (2026-10-08T00:00:00Z;\n"
    "                  default: the current time)\n"
    "  --from FILE     read inputs from FILE, one a line, after the arguments\n"
    "                  ('#' starts a comment)\n"
    "\n"
    "watch options (after watch):\n"
    "  --interval DURATION\n"
    "                  time between cycles: 500ms, 30s, 10m, 1h (more than 0,\n"
    "                  at most a week; default 10m)\n"
    "\n"
    "options (before or after COMMAND; --opt VALUE, --opt=VALUE, -c VALUE,\n"
    "-cVALUE all work; -jv is -j -v; -- ends the options):\n"
    "  --base-url URL  API base URL (default: $ANTHROPIC_BASE_URL, else\n"
    "                  https://api.anthropic.com)\n"
    "  --api-key KEY   API key (default: $ANTHROPIC_API_KEY)\n"
    "  -j, --json      one JSON object per line (default when stdout is not\n"
    "                  a terminal)\n"
    "  -t, --table     aligned columns (default on a terminal)\n"
    "  -v, --verbose   log the configuration and each request to stderr\n"
    "  --max-retries N retries after a failed attempt, 0..100 (default 2)\n"
    "  --timeout MS    per-attempt timeout in ms (default 600000)\n"
    "  --connect-timeout MS\n"
    "                  per-attempt connect timeout in ms (default 5000)\n"
    "  --beta NAME     send `anthropic-beta: NAME` (repeat for several; they\n"
    "                  are joined with ',') and use the beta endpoints\n"
    "  --workspace ID  send `anthropic-workspace-id: ID` on every request\n"
    "  -c, --concurrency N\n"
    "                  at most N requests at once, 1..100000 (default: the\n"
    "                  library's, one a connection over HTTP/1.1)\n"
    "  --cacert FILE   trust the CA certificates in FILE (PEM)\n"
    "  --http1.1       use HTTP/1.1 even over https (default: HTTP/2 there)\n"
    "  -h, --help      show this help\n"
    "  --version       show the version\n"
    "\n";
static const char usage_text3[] =
    "an input that is not valid UTF-8 or has a NUL byte is no model id: it\n"
    "gets an error line (invalid_argument) and no request is made. Output\n"
    "is UTF-8: bytes that are not valid UTF-8 (of an input shown in an\n"
    "error line, of an error message) are written as U+FFFD.\n"
    "\n"
    "failures are also reported on stderr, one line each. On a terminal,\n"
    "stderr shows progress during long runs. Ctrl-C writes what is done\n"
    "and exits 130.\n"
    "\n"
    "environment:\n"
    "  ANTHROPIC_API_KEY\n"
    "                  the API key, when --api-key is not given\n"
    "  ANTHROPIC_AUTH_TOKEN\n"
    "                  a token sent as `authorization: Bearer TOKEN`, when\n"
    "                  there is no API key\n"
    "  ANTHROPIC_BASE_URL\n"
    "                  the API base URL, when --base-url is not given\n"
    "  ANTHROPIC_CUSTOM_HEADERS\n"
    "                  more request headers, `Name: value`, one a line\n"
    "  ANTHROPIC_LOG   off, error, warn, info or debug: the library's log\n"
    "                  on stderr (--verbose logs everything, as debug)\n"
    "\n"
    "exit status:\n"
    "  0               every request succeeded (audit: and no model is at\n"
    "                  risk)\n"
    "  1               a request failed (audit: with no answer: a network\n"
    "                  error, 5xx, 401; it wins over 3 and 4), the\n"
    "                  environment is wrong, or stdout could not be written\n"
    "  2               usage error: no credential, an unknown option, a\n"
    "                  bad value\n"
    "  3               audit: some model is deprecated or retires within the\n"
    "                  window, none retired or unknown\n"
    "  4               audit: some model is retired, or some input names no\n"
    "                  model (HTTP 404, or an invalid id)\n"
    "  130             interrupted (Ctrl-C, SIGTERM); how watch ends\n"
    "\n"
    "more: man anthropic-models\n";

/* Print a one-line usage error to stderr; returns the usage exit status. */
int cli_usage_error(const char *fmt, ...) {
  va_list ap;
  (void)fputs(PROG ": ", stderr);
  va_start(ap, fmt);
  (void)vfprintf(stderr, fmt, ap);
  va_end(ap);
  (void)fputs(" (try --help)\n", stderr);
  return EXIT_USAGE;
}

/* Every option once: its long and short names, whether it takes a value
 * (then as --opt VALUE, --opt=VALUE, -c VALUE or -cVALUE), and whether it
 * belongs to a command (then only after it). All others are global: taken
 * before or after the command, as gh, kubectl and docker take them. */
typedef enum {
  OPT_HELP,
  OPT_VERSION,
  OPT_BASE_URL,
  OPT_API_KEY,
  OPT_JSON,
  OPT_TABLE,
  OPT_VERBOSE,
  OPT_MAX_RETRIES,
  OPT_TIMEOUT,
  OPT_CONNECT_TIMEOUT,
  OPT_BETA,
  OPT_WORKSPACE,
  OPT_CONCURRENCY,
  OPT_CACERT,
  OPT_HTTP1,
  OPT_LIMIT,
  OPT_PAGE_SIZE,
  OPT_ALL,
  OPT_LIFECYCLE,
  OPT_AFTER_ID,
  OPT_BEFORE_ID,
  OPT_WITHIN,
  OPT_NOW,
  OPT_FROM,
  OPT_INTERVAL
} opt_id_t;

/* The commands an option belongs to, as bits (1u << command_t); 0: a
 * global option. */
#define ONLY(cmd) (1u << (cmd))

typedef struct opt_def {
  const char *name; /* "--json" */
  opt_id_t id;
  char short_name; /* 'j'; 0: none */
  bool takes_value;
  unsigned only; /* ONLY(command) bits: then only after that command */
} opt_def_t;

static const opt_def_t opt_defs[] = {
    {"--help", OPT_HELP, 'h', false, 0},
    {"--version", OPT_VERSION, 0, false, 0},
    {"--base-url", OPT_BASE_URL, 0, true, 0},
    {"--api-key", OPT_API_KEY, 0, true, 0},
    {"--json", OPT_JSON, 'j', false, 0},
    {"--table", OPT_TABLE, 't', false, 0},
    {"--verbose", OPT_VERBOSE, 'v', false, 0},
    {"--max-retries", OPT_MAX_RETRIES, 0, true, 0},
    {"--timeout", OPT_TIMEOUT, 0, true, 0},
    {"--connect-timeout", OPT_CONNECT_TIMEOUT, 0, true, 0},
    {"--beta", OPT_BETA, 0, true, 0},
    {"--workspace", OPT_WORKSPACE, 0, true, 0},
    {"--concurrency", OPT_CONCURRENCY, 'c', true, 0},
    {"--cacert", OPT_CACERT, 0, true, 0},
    {"--http1.1", OPT_HTTP1, 0, false, 0},
    {"--limit", OPT_LIMIT, 0, true, ONLY(CMD_LIST)},
    {"--page-size", OPT_PAGE_SIZE, 0, true, ONLY(CMD_LIST)},
    {"--all", OPT_ALL, 0, false, ONLY(CMD_LIST)},
    {"--lifecycle", OPT_LIFECYCLE, 0, true, ONLY(CMD_LIST)},
    {"--after-id", OPT_AFTER_ID, 0, true, ONLY(CMD_LIST)},
    {"--before-id", OPT_BEFORE_ID, 0, true, ONLY(CMD_LIST)},
    {"--within", OPT_WITHIN, 0, true, ONLY(CMD_AUDIT)},
    {"--now", OPT_NOW, 0, true, ONLY(CMD_AUDIT)},
    {"--from", OPT_FROM, 0, true, ONLY(CMD_AUDIT)},
    {"--interval", OPT_INTERVAL, 0, true, ONLY(CMD_WATCH)},
};
#define N_OPTS (sizeof opt_defs / sizeof opt_defs[0])

/* The long option spelled by the n bytes at `name`; NULL: none. */
static const opt_def_t *find_long(const char *name, size_t n) {
  for (size_t k = 0; k < N_OPTS; k++)
    if (strlen(opt_defs[k].name) == n && memcmp(opt_defs[k].name, name, n) == 0)
      return &opt_defs[k];
  return NULL;
}

static const opt_def_t *find_short(char c) {
  for (size_t k = 0; k < N_OPTS; k++)
    if (opt_defs[k].short_name != 0 && opt_defs[k].short_name == c)
      return &opt_defs[k];
  return NULL;
}

/* Where parsing is: the command, once it has been seen. */
typedef struct parser {
  options_t *o;
  bool have_command;
  bool options_done; /* after "--": everything is an argument */
  bool page_size_given;
} parser_t;

/* The commands, by command_t. */
static const char *const command_names[] = {
    [CMD_LIST] = "list",   [CMD_GET] = "get",     [CMD_RESOLVE] = "resolve",
    [CMD_AUDIT] = "audit", [CMD_WATCH] = "watch",
};
#define N_COMMANDS (sizeof command_names / sizeof command_names[0])

static const char *command_name(const options_t *o) {
  return command_names[o->command];
}

/* The first command of an option's ONLY() bits. */
static const char *owner_name(unsigned only) {
  for (size_t k = 0; k < N_COMMANDS; k++)
    if (only & ONLY(k))
      return command_names[k];
  return "?";
}

/* A plain decimal integer in min..max (no sign, no spaces); false for
 * NULL (no value given). */
static bool parse_uint(const char *s, uint64_t min, uint64_t max,
                       uint64_t *out) {
  uint64_t v = 0;
  if (s == NULL || *s == '\0' || strlen(s) > 12)
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

/* --limit and --page-size: a plain decimal integer in 1..1000. */
static bool parse_limit(const char *s, int *out) {
  uint64_t v;
  if (!parse_uint(s, 1, 1000, &v))
    return false;
  *out = (int)v;
  return true;
}

/* --interval: a whole number and its unit, ms, s, m or h ("500ms",
 * "30s", "10m", "1h"); more than 0, at most a week. Into milliseconds. */
static bool parse_duration(const char *s, uint64_t *out) {
  static const struct {
    const char *unit;
    uint64_t ms;
  } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
  const uint64_t max_ms = 3600000ull * 24 * 7;
  uint64_t v = 0;
  const char *p = s;
  for (; *p >= '0' && *p <= '9'; p++) {
    v = v * 10 + (uint64_t)(*p - '0');
    if (v > max_ms)
      return false;
  }
  if (p == s)
    return false;
  for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
    if (strcmp(p, units[k].unit) == 0) {
      if (v == 0 || v > max_ms / units[k].ms)
        return false;
      *out = v * units[k].ms;
      return true;
    }
  return false;
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
    (void)fputs(PROG ": out of memory\n", stderr);
  return a;
}

/* A string option's value: given, and not empty when `what` says what it
 * must be. */
static int string_value(const opt_def_t *d, const char *val, const char *what,
                        const char **out) {
  if (val == NULL)
    return cli_usage_error("option '%s' needs a value", d->name);
  if (what != NULL && val[0] == '\0')
    return cli_usage_error("option '%s' needs %s", d->name, what);
  *out = val;
  return PROCEED;
}

/* Apply option `d` with its value (NULL: none given, or none taken).
 * PROCEED, or the exit status. */
static int apply_option(parser_t *p, const opt_def_t *d, const char *val) {
  options_t *o = p->o;
  uint64_t n;
  anthropic_time_t now;
  if (d->only != 0 && !p->have_command)
    return cli_usage_error("option '%s' is an option of '%s': give it "
                           "after the command",
                           d->name, owner_name(d->only));
  if (d->only != 0 && !(d->only & ONLY(o->command)))
    return cli_usage_error("unknown option '%s' for '%s'", d->name,
                           command_name(o));
  switch (d->id) {
  case OPT_HELP:
    (void)fputs(usage_text, stdout);
    (void)fputs(usage_text2, stdout);
    (void)fputs(usage_text3, stdout);
    return EXIT_OK;
  case OPT_VERSION:
    printf(PROG " %s (libanthropic %s, libuv %s)\n", ANTHROPIC_VERSION_STRING,
           anthropic_version(), uv_version_string());
    return EXIT_OK;
  case OPT_BASE_URL:
    return string_value(d, val, NULL, &o->base_url);
  case OPT_API_KEY:
    return string_value(d, val, NULL, &o->api_key);
  case OPT_JSON:
    o->format = FMT_JSON; /* the last of --json/--table wins */
    return PROCEED;
  case OPT_TABLE:
    o->format = FMT_TABLE;
    return PROCEED;
  case OPT_VERBOSE:
    o->verbose = true;
    return PROCEED;
  case OPT_MAX_RETRIES:
    if (!parse_uint(val, 0, 100, &n))
      return cli_usage_error("option '--max-retries' needs an integer 0..100");
    o->max_retries = (long)n;
    return PROCEED;
  case OPT_TIMEOUT:
  case OPT_CONNECT_TIMEOUT:
    if (!parse_uint(val, 1, 86400000, &n))
      return cli_usage_error("option '%s' needs milliseconds, 1..86400000",
                             d->name);
    *(d->id == OPT_CONNECT_TIMEOUT ? &o->connect_timeout_ms : &o->timeout_ms) =
        n;
    return PROCEED;
  case OPT_BETA:
    if (val == NULL || val[0] == '\0')
      return cli_usage_error("option '--beta' needs a beta name");
    o->betas[o->betas_count++] = val;
    return PROCEED;
  case OPT_WORKSPACE:
    return string_value(d, val, "a workspace id", &o->workspace_id);
  case OPT_CONCURRENCY:
    if (!parse_uint(val, 1, 100000, &n))
      return cli_usage_error("option '--concurrency' needs an integer "
                             "1..100000");
    o->concurrency = (unsigned)n;
    return PROCEED;
  case OPT_CACERT:
    return string_value(d, val, "a file", &o->cacert);
  case OPT_HTTP1:
    o->http1 = true;
    return PROCEED;
  case OPT_LIMIT:
    if (val == NULL)
      return cli_usage_error("option '--limit' needs a value");
    if (!parse_limit(val, &o->limit))
      return cli_usage_error(
          "--limit must be an integer from 1 to 1000, not '%s'", val);
    return PROCEED;
  case OPT_PAGE_SIZE:
    if (val == NULL)
      return cli_usage_error("option '--page-size' needs a value");
    if (!parse_limit(val, &o->page_size))
      return cli_usage_error(
          "--page-size must be an integer from 1 to 1000, not '%s'", val);
    p->page_size_given = true;
    return PROCEED;
  case OPT_ALL:
    o->all = true;
    return PROCEED;
  case OPT_LIFECYCLE:
    if (val == NULL)
      return cli_usage_error("option '--lifecycle' needs a value");
    if (!is_lifecycle(val))
      return cli_usage_error("--lifecycle must be active, deprecated or "
                             "retired, not '%s'",
                             val);
    o->lifecycles[o->lifecycles_count++] = val;
    return PROCEED;
  case OPT_AFTER_ID:
    return string_value(d, val, NULL, &o->after_id);
  case OPT_BEFORE_ID:
    return string_value(d, val, NULL, &o->before_id);
  case OPT_WITHIN:
    if (!parse_uint(val, 0, 100000, &n))
      return cli_usage_error("--within needs days, an integer from 0 to "
                             "100000, not '%s'",
                             val != NULL ? val : "");
    o->within_days = (unsigned)n;
    return PROCEED;
  case OPT_NOW:
    /* RFC 3339 as the library reads the API's times (the fraction is
     * dropped: whole seconds) */
    if (val == NULL || anthropic_time_parse(val, &now) != 0)
      return cli_usage_error("--now needs an RFC 3339 time such as "
                             "2026-10-08T00:00:00Z, not '%s'",
                             val != NULL ? val : "");
    o->now = now.unix_seconds;
    o->now_given = true;
    return PROCEED;
  case OPT_FROM:
    return string_value(d, val, "a file", &o->from_file);
  case OPT_INTERVAL:
    if (val == NULL || !parse_duration(val, &o->interval_ms))
      return cli_usage_error("--interval needs a duration more than 0 and at "
                             "most a week, such as 500ms, 30s, 10m or 1h, "
                             "not '%s'",
                             val != NULL ? val : "");
    return PROCEED;
  }
  return PROCEED;
}

/* An unknown option, named with the command once there is one. */
static int unknown_option(const parser_t *p, int len, const char *arg) {
  if (p->have_command)
    return cli_usage_error("unknown option '%.*s' for '%s'", len, arg,
                           command_name(p->o));
  return cli_usage_error("unknown option '%.*s'", len, arg);
}

/* A long option at argv[*i], "--name" or "--name=value"; a value may be
 * the next argument (consumed). The value, possibly a key, is never echoed
 * back in an error message. */
static int parse_long(parser_t *p, int argc, char **argv, int *i) {
  const char *a = argv[*i], *eq = strchr(a, '='), *val = NULL;
  size_t n = eq != NULL ? (size_t)(eq - a) : strlen(a);
  const opt_def_t *d = find_long(a, n);
  if (d == NULL)
    return unknown_option(p, (int)n, a);
  if (!d->takes_value) {
    if (eq != NULL)
      return cli_usage_error("option '%s' takes no value", d->name);
  } else if (eq != NULL) {
    val = eq + 1;
  } else if (*i + 1 < argc) {
    val = argv[++*i];
  }
  return apply_option(p, d, val);
}

/* Short options at argv[*i], as getopt takes them: "-jv" is -j -v; an
 * option with a value takes the rest ("-c8", "-jc8") or the next
 * argument ("-c 8"). */
static int parse_short(parser_t *p, int argc, char **argv, int *i) {
  for (const char *c = argv[*i] + 1; *c != '\0'; c++) {
    const opt_def_t *d = find_short(*c);
    const char *val = NULL;
    int rc;
    if (d == NULL) {
      char shown[3] = {'-', *c, '\0'};
      return unknown_option(p, 2, shown);
    }
    if (d->takes_value) {
      if (c[1] != '\0')
        val = c + 1;
      else if (*i + 1 < argc)
        val = argv[++*i];
      return apply_option(p, d, val);
    }
    if ((rc = apply_option(p, d, NULL)) != PROCEED)
      return rc;
  }
  return PROCEED;
}

/* An argument that is no option: the command, then its inputs. */
static int parse_argument(parser_t *p, const char *a) {
  options_t *o = p->o;
  if (!p->have_command) {
    if (strcmp(a, "list") == 0)
      o->command = CMD_LIST;
    else if (strcmp(a, "get") == 0)
      o->command = CMD_GET;
    else if (strcmp(a, "resolve") == 0)
      o->command = CMD_RESOLVE;
    else if (strcmp(a, "audit") == 0)
      o->command = CMD_AUDIT;
    else if (strcmp(a, "watch") == 0)
      o->command = CMD_WATCH;
    else
      return cli_usage_error("unknown command '%s'", a);
    p->have_command = true;
    return PROCEED;
  }
  if (o->command == CMD_LIST)
    return cli_usage_error("unexpected argument '%s' for 'list'", a);
  o->ids[o->ids_count++] = a;
  if (!p->options_done && strcmp(a, "-") == 0)
    o->from_stdin = true;
  return PROCEED;
}

/* What only the whole command line can tell. */
static int check_command(const parser_t *p) {
  options_t *o = p->o;
  const char *cmd = command_name(o);
  if (o->command == CMD_LIST) {
    if (o->after_id != NULL && o->before_id != NULL)
      return cli_usage_error(
          "--after-id and --before-id cannot be used together");
    if (o->all && o->limit != 0)
      return cli_usage_error(
          "--limit cannot be used with --all (use --page-size)");
    if (p->page_size_given && !o->all)
      return cli_usage_error(
          "--page-size needs --all (use --limit for one page)");
    return PROCEED;
  }
  if (o->command == CMD_WATCH) {
    if (o->from_stdin)
      return cli_usage_error("'watch' takes its aliases as arguments, not "
                             "'-'");
    return PROCEED;
  }
  if (o->command == CMD_AUDIT) {
    /* No input named: stdin, unless a person is at it. */
    if (o->ids_count == 0 && o->from_file == NULL) {
      if (isatty(STDIN_FILENO))
        return cli_usage_error("'audit' needs model ids or aliases: as "
                               "arguments, --from FILE, or on stdin");
      o->from_stdin = true;
    }
    if (o->betas_count > 0)
      return cli_usage_error("'audit' uses the models endpoint, not the beta "
                             "one: --beta is for list, get and watch");
  } else if (o->ids_count == 0)
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
 * (help, version, usage error). Options and arguments mix: global options
 * anywhere, list's after it; "--" ends the options (an input may then
 * start with '-'); "-" alone is an argument (stdin). */
int cli_parse_args(int argc, char **argv, options_t *o) {
  parser_t p;
  memset(o, 0, sizeof *o);
  memset(&p, 0, sizeof p);
  p.o = o;
  o->max_retries = -1;
  o->within_days = ANTHROPIC_LIFECYCLE_WITHIN_DAYS;
  if ((o->betas = argv_array(argc)) == NULL ||
      (o->lifecycles = argv_array(argc)) == NULL ||
      (o->ids = argv_array(argc)) == NULL)
    return EXIT_FAILED;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int rc;
    if (p.options_done || a[0] != '-' || a[1] == '\0')
      rc = parse_argument(&p, a);
    else if (strcmp(a, "--") == 0) {
      p.options_done = true;
      continue;
    } else if (a[1] == '-')
      rc = parse_long(&p, argc, argv, &i);
    else
      rc = parse_short(&p, argc, argv, &i);
    if (rc != PROCEED)
      return rc;
  }
  if (!p.have_command)
    return cli_usage_error("missing command (list, get, resolve, audit or "
                           "watch)");
  return check_command(&p);
}
