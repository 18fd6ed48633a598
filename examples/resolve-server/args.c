/*
 * args.c - resolve-server's options: one table gives the long options
 * getopt_long reads, the environment variable of each (read first, so
 * that the command line wins) and --help's text. Every error names the
 * option or variable and the value.
 */
#define _DEFAULT_SOURCE /* getopt_long */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

enum opt_id {
  O_LISTEN = 'l',
  O_VERBOSE = 'v',
  O_HELP = 'h',
  O_VERSION = 'V',
  O_BASE_URL = 256,
  O_GRACE,
  O_IDLE,
  O_CACHE_TTL,
  O_UPSTREAM_TIMEOUT,
  O_PAGE_SIZE,
  O_MAX_MODELS_BYTES,
  O_MAX_CONNECTIONS,
  O_STALE_IF_ERROR,
  O_READY_WINDOW,
  O_LOG_FORMAT,
  O_LOG_LEVEL,
  O_API_KEY_FILE,
  O_WITHIN,
  O_WATCH_INTERVAL,
};

typedef struct opt_def {
  const char *name; /* long name; its variable is RESOLVE_SERVER_NAME */
  int id;
  const char *meta; /* the value's name, NULL for a flag */
  const char *help;
} opt_def_t;

static const opt_def_t defs[] = {
    {"listen", O_LISTEN, "ADDR",
     "where to listen: HOST:PORT, [V6]:PORT, :PORT or PORT (all\n"
     "interfaces); HOST may be a name (localhost). Port 0: any free one"},
    {"base-url", O_BASE_URL, "URL",
     "the API (default $ANTHROPIC_BASE_URL, else https://api.anthropic.com)"},
    {"api-key-file", O_API_KEY_FILE, "PATH",
     "read the API key from this file (a systemd credential), not from\n"
     "$ANTHROPIC_API_KEY; trailing blanks and newlines are not part of it"},
    {"cache-ttl-ms", O_CACHE_TTL, "N",
     "how long an answer is fresh, /resolve and /models (default 60000;\n"
     "0: no cache)"},
    {"stale-if-error", O_STALE_IF_ERROR, "S",
     "serve the last good answer up to S seconds past its freshness when\n"
     "the upstream fails (default 86400; 0: never)"},
    {"watch-interval", O_WATCH_INTERVAL, "DURATION",
     "how often the watch walks the model list and re-resolves every alias\n"
     "the cache holds, so that a cached alias that moved answers its new\n"
     "model within one interval, whatever the TTL: a number and a unit,\n"
     "ms, s, m or h (default 10m; at least 100ms); 0 or off: no watch"},
    {"within", O_WITHIN, "DAYS",
     "/lifecycle and /metrics: a model retiring within DAYS days is at\n"
     "risk (default 90)"},
    {"ready-window", O_READY_WINDOW, "S",
     "/readyz is ready when the upstream answered within S seconds, else\n"
     "it asks it (default 30)"},
    {"upstream-timeout-ms", O_UPSTREAM_TIMEOUT, "N",
     "one upstream request's time (default 30000)"},
    {"page-size", O_PAGE_SIZE, "N",
     "models per upstream page, 1..1000 "
     "(default 1000)"},
    {"max-models-bytes", O_MAX_MODELS_BYTES, "N",
     "the largest /models answer: past it, a 502 (default 1048576)"},
    {"max-connections", O_MAX_CONNECTIONS, "N",
     "clients at once: an idle one makes way for a new one; past it, 503\n"
     "with Retry-After (default: the open-files limit less min(64, limit/4)\n"
     "upstream connections, 16 for the loop and 8 for refusals)"},
    {"grace-ms", O_GRACE, "N",
     "after SIGTERM or SIGINT, the time requests in flight have (default "
     "2000)"},
    {"idle-timeout-ms", O_IDLE, "N",
     "a connection's time to send its next request (default 60000)"},
    {"log-format", O_LOG_FORMAT, "F", "json (default) or text"},
    {"log-level", O_LOG_LEVEL, "L",
     "error, warn, info (default: with one access line per request) or\n"
     "debug"},
    {"verbose", O_VERBOSE, NULL, "the same as --log-level debug"},
    {"help", O_HELP, NULL, "show this and exit"},
    {"version", O_VERSION, NULL, "show the version and exit"},
};
#define NDEFS (sizeof defs / sizeof defs[0])

static void env_name(const opt_def_t *d, char *out, size_t len) {
  size_t n = (size_t)snprintf(out, len, "RESOLVE_SERVER_%s", d->name);
  for (size_t i = 0; i < n && i < len; i++)
    if (out[i] == '-')
      out[i] = '_';
    else if (out[i] >= 'a' && out[i] <= 'z')
      out[i] = (char)(out[i] - 'a' + 'A');
}

static void help(void) {
  char env[64];
  printf("usage: " PROG " --listen ADDR [OPTION]...\n"
         "Resolve model aliases over HTTP: GET|HEAD /resolve?alias=A,\n"
         "/lifecycle?alias=A (&alias=B..., or aliases=A,B), /models, "
         "/healthz,\n/readyz, /metrics. The key comes from "
         "ANTHROPIC_API_KEY\n(or ANTHROPIC_AUTH_TOKEN). Each option can "
         "also be set in the\nenvironment variable shown; the command line "
         "wins.\n\n");
  for (size_t i = 0; i < NDEFS; i++) {
    const opt_def_t *d = &defs[i];
    char head[64];
    if (d->id < 256)
      (void)snprintf(head, sizeof head, "-%c, --%s%s%s", d->id, d->name,
                     d->meta ? " " : "", d->meta ? d->meta : "");
    else
      (void)snprintf(head, sizeof head, "    --%s%s%s", d->name,
                     d->meta ? " " : "", d->meta ? d->meta : "");
    printf("  %s\n", head);
    for (const char *p = d->help; *p != '\0';) {
      const char *nl = strchr(p, '\n');
      int n = nl ? (int)(nl - p) : (int)strlen(p);
      printf("        %.*s\n", n, p);
      p += n + (nl ? 1 : 0);
    }
    if (d->id != O_HELP && d->id != O_VERSION) {
      env_name(d, env, sizeof env);
      printf("        [env %s]\n", env);
    }
  }
}

static int usage_error(const char *where, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int usage_error(const char *where, const char *fmt, ...) {
  va_list ap;
  (void)fprintf(stderr, PROG ": %s: ", where);
  va_start(ap, fmt);
  (void)vfprintf(stderr, fmt, ap);
  va_end(ap);
  (void)fputs("\nTry '" PROG " --help'.\n", stderr);
  return 2;
}

static bool parse_u64(const char *text, uint64_t min, uint64_t max,
                      uint64_t *out) {
  char *end;
  if (text == NULL || *text < '0' || *text > '9')
    return false;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > max)
    return false;
  *out = v;
  return true;
}

/* "HOST:PORT", "[V6]:PORT", ":PORT" or "PORT" into host (NULL: every
 * interface) and port. */
static bool split_listen(const char *spec, srv_options_t *o) {
  const char *colon = strrchr(spec, ':');
  const char *port = colon != NULL ? colon + 1 : spec;
  size_t hlen = colon != NULL ? (size_t)(colon - spec) : 0;
  uint64_t n;
  if (!parse_u64(port, 0, 65535, &n))
    return false;
  (void)snprintf(o->listen_port, sizeof o->listen_port, "%u", (unsigned)n);
  if (hlen >= 2 && spec[0] == '[' && spec[hlen - 1] == ']') {
    spec++;
    hlen -= 2;
  } else if (memchr(spec, ':', hlen) != NULL || memchr(spec, '[', hlen)) {
    return false; /* an IPv6 address goes in brackets */
  }
  if (hlen >= sizeof o->listen_host)
    return false;
  memcpy(o->listen_host, spec, hlen);
  o->listen_host[hlen] = '\0';
  return true;
}

/* "off", "0", or a number and a unit (ms, s, m, h) of at least 100 ms. */
static bool parse_interval(const char *v, uint64_t *ms) {
  static const struct {
    const char *unit;
    uint64_t ms;
  } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
  char *end;
  if (strcmp(v, "off") == 0 || strcmp(v, "0") == 0) {
    *ms = 0;
    return true;
  }
  if (*v < '0' || *v > '9')
    return false;
  errno = 0;
  unsigned long long n = strtoull(v, &end, 10);
  if (errno != 0 || n > 1000000000ULL) /* 31 years of seconds */
    return false;
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strcmp(end, units[i].unit) == 0) {
      *ms = n * units[i].ms;
      return *ms >= 100 && *ms <= 1000000000000ULL;
    }
  return false;
}

static bool parse_level(const char *v, anthropic_log_level_t *out) {
  static const char *const names[] = {"error", "warn", "info", "debug"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(v, names[i]) == 0) {
      *out = (anthropic_log_level_t)(ANTHROPIC_LOG_ERROR + (int)i);
      return true;
    }
  return false;
}

static bool parse_flag(const char *v, bool *out) {
  if (v == NULL || strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ||
      strcmp(v, "yes") == 0)
    *out = true;
  else if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0 ||
           strcmp(v, "no") == 0 || *v == '\0')
    *out = false;
  else
    return false;
  return true;
}

/* One option's value (`where` names it in errors): 0, or 2. */
static int apply(srv_options_t *o, int id, const char *v, const char *where) {
  uint64_t n = 0;
  bool flag;
  switch (id) {
  case O_LISTEN:
    o->listen = v;
    return split_listen(v, o)
               ? 0
               : usage_error(where,
                             "bad address '%s': HOST:PORT, [V6]:PORT, :PORT "
                             "or PORT (0..65535)",
                             v);
  case O_BASE_URL:
    o->base_url = v;
    return 0;
  case O_API_KEY_FILE:
    o->api_key_file = v;
    return 0;
  case O_LOG_FORMAT:
    if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
      return usage_error(where, "'%s': json or text", v);
    o->log_json = strcmp(v, "json") == 0;
    return 0;
  case O_LOG_LEVEL:
    return parse_level(v, &o->log_level)
               ? 0
               : usage_error(where, "'%s': error, warn, info or debug", v);
  case O_WATCH_INTERVAL:
    return parse_interval(v, &o->watch_interval_ms)
               ? 0
               : usage_error(where,
                             "'%s': a number and a unit (300ms, 30s, 10m, "
                             "1h; at least 100ms), or 0 or off",
                             v);
  case O_VERBOSE:
    if (!parse_flag(v, &flag))
      return usage_error(where, "'%s': 1 or 0", v);
    if (flag)
      o->log_level = ANTHROPIC_LOG_DEBUG;
    return 0;
  default:
    break;
  }
  uint64_t min = 0, max = 1000000000000ULL; /* no overflow as ms */
  if (id == O_IDLE || id == O_MAX_CONNECTIONS || id == O_PAGE_SIZE)
    min = 1;
  if (id == O_MAX_MODELS_BYTES)
    min = 2;
  if (id == O_PAGE_SIZE)
    max = 1000;
  if (id == O_WITHIN)
    max = 36500; /* a century */
  if (id == O_MAX_CONNECTIONS || id == O_MAX_MODELS_BYTES)
    max = SIZE_MAX / 2;
  if (!parse_u64(v, min, max, &n))
    return usage_error(where, "bad number '%s' (%llu..%llu)", v,
                       (unsigned long long)min, (unsigned long long)max);
  switch (id) {
  case O_GRACE:
    o->grace_ms = n;
    break;
  case O_IDLE:
    o->idle_ms = n;
    break;
  case O_CACHE_TTL:
    o->cache_ttl_ms = n;
    break;
  case O_UPSTREAM_TIMEOUT:
    o->upstream_timeout_ms = n;
    break;
  case O_PAGE_SIZE:
    o->page_size = (int)n;
    break;
  case O_MAX_MODELS_BYTES:
    o->max_models_bytes = (size_t)n;
    break;
  case O_MAX_CONNECTIONS:
    o->max_connections = (size_t)n;
    break;
  case O_STALE_IF_ERROR:
    o->stale_if_error_s = n;
    break;
  case O_READY_WINDOW:
    o->ready_window_s = n;
    break;
  case O_WITHIN:
    o->within_days = (unsigned)n;
    break;
  default:
    break;
  }
  return 0;
}

static int apply_env(srv_options_t *o) {
  static char names[NDEFS][64]; /* errors and o->listen may point here */
  for (size_t i = 0; i < NDEFS; i++) {
    if (defs[i].id == O_HELP || defs[i].id == O_VERSION)
      continue;
    env_name(&defs[i], names[i], sizeof names[i]);
    const char *v = getenv(names[i]);
    int rc = v != NULL ? apply(o, defs[i].id, v, names[i]) : 0;
    if (rc != 0)
      return rc;
  }
  return 0;
}

int srv_args_parse(int argc, char **argv, srv_options_t *o) {
  struct option longs[NDEFS + 1];
  char shorts[32] = ":", where[64];
  size_t ns = 1;
  for (size_t i = 0; i < NDEFS; i++) {
    longs[i] = (struct option){defs[i].name,
                               defs[i].meta ? required_argument : no_argument,
                               NULL, defs[i].id};
    if (defs[i].id < 256) {
      shorts[ns++] = (char)defs[i].id;
      if (defs[i].meta)
        shorts[ns++] = ':';
    }
  }
  longs[NDEFS] = (struct option){NULL, 0, NULL, 0};
  shorts[ns] = '\0';
  int rc = apply_env(o);
  if (rc != 0)
    return rc;
  opterr = 0;
  for (;;) {
    int idx = -1;
    int id = getopt_long(argc, argv, shorts, longs, &idx);
    if (id == -1)
      break;
    const char *arg = argv[optind - 1];
    if (id == '?')
      return usage_error("unknown option", "'%s'", arg);
    if (id == ':')
      return usage_error(arg, "needs a value");
    if (id == O_HELP) {
      help();
      return fflush(stdout) == 0 ? 0 : 1;
    }
    if (id == O_VERSION) {
      printf(PROG " %s (libuv %s)\n", anthropic_version(), uv_version_string());
      return fflush(stdout) == 0 ? 0 : 1;
    }
    if (idx >= 0)
      (void)snprintf(where, sizeof where, "--%s", longs[idx].name);
    else
      (void)snprintf(where, sizeof where, "-%c", id);
    if ((rc = apply(o, id, id == O_VERBOSE ? NULL : optarg, where)) != 0)
      return rc;
  }
  if (optind < argc)
    return usage_error("unexpected argument", "'%s'", argv[optind]);
  if (o->listen == NULL)
    return usage_error("--listen", "%s", "required (or RESOLVE_SERVER_LISTEN)");
  return -1;
}
