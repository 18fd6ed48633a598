/*
 * app.c - the core of a run, under every command: the loop, the client
 * set up from the options (and the environment), the beta switch, the
 * client closed, the loop closed cleanly. It calls no command.
 */
#define _XOPEN_SOURCE 700 /* strdup, isatty, wcwidth: see cli.h */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "anthropic.h"
#include "cli.h"

static void on_client_closed(anthropic_client_t *client) {
  app_t *app = anthropic_client_get_data(client);
  app->client = NULL;
}

void cli_close_client(app_t *app) {
  if (app->client != NULL)
    anthropic_client_close(app->client, on_client_closed);
}

/* --beta switches every call to the beta endpoints. */
bool cli_use_beta(const app_t *app) {
  return app->o->betas_count > 0;
}

/* --verbose: the library's log lines carry the server's text (its
 * request-id): sanitized like everything else it sent. */
static void on_log(void *log_data, anthropic_log_level_t level,
                   const char *line) {
  (void)log_data;
  (void)level;
  (void)fputs(PROG ": ", stderr);
  cli_put_sanitized(stderr, line);
  (void)fputc('\n', stderr);
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
    (void)snprintf(shown, sizeof shown, "%s",
                   key == NULL ? "(none)" : "(not sent)");
  else if (len >= 12) /* the last 4 tell keys apart and leave 8+ hidden */
    (void)snprintf(shown, sizeof shown, "\xe2\x80\xa6%s", key + len - 4);
  else
    (void)snprintf(shown, sizeof shown, "***");
  (void)fputs(PROG ": base URL ", stderr);
  cli_put_sanitized(stderr, url);
  (void)fputs(", API key ", stderr);
  cli_put_sanitized(stderr, shown);
  for (size_t k = 0; k < o->betas_count; k++) {
    (void)fputs(k == 0 ? ", betas " : ",", stderr);
    cli_put_sanitized(stderr, o->betas[k]);
  }
  if (o->workspace_id != NULL) {
    (void)fputs(", workspace ", stderr);
    cli_put_sanitized(stderr, o->workspace_id);
  }
  (void)fputc('\n', stderr);
}

/* After an EINVAL from init: was a command-line value at fault? Tries the
 * flag values alone, with the environment ignored. */
static bool flags_at_fault(uv_loop_t *loop, const options_t *o) {
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  anthropic_client_t *probe = NULL;
  if (o->base_url == NULL && o->api_key == NULL && o->betas_count == 0)
    return false;
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

/* The client's options from the command line (the environment fills in
 * the rest at init). */
static anthropic_client_options_t client_options(const options_t *o) {
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  co.base_url = o->base_url;
  co.api_key = o->api_key;
  if (o->max_retries >= 0)
    co.max_retries = (int)o->max_retries;
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
  if (o->verbose) {
    co.log_cb = on_log;
    co.log_level = ANTHROPIC_LOG_DEBUG; /* every attempt too */
  }
  return co;
}

/* After an EINVAL from init: was the credential all that was missing (no
 * --api-key, $ANTHROPIC_API_KEY or $ANTHROPIC_AUTH_TOKEN, or empty ones)?
 * Tries the same settings with a stand-in key, quietly. */
static bool credential_missing(uv_loop_t *loop, const options_t *o) {
  anthropic_client_options_t co = client_options(o);
  anthropic_client_t *probe = NULL;
  co.api_key = "probe";
  co.log_cb = NULL;
  co.log_level = ANTHROPIC_LOG_OFF;
  if (anthropic_client_init(loop, &probe, &co, NULL, 0) != 0)
    return false;
  anthropic_client_close(probe, NULL);
  uv_run(loop, UV_RUN_DEFAULT);
  return true;
}

/* Returns PROCEED with app->client set, or the exit status. */
static int init_client(app_t *app, const options_t *o) {
  anthropic_client_options_t co;
  char errbuf[512] = "";
  int rc;
  /* libcurl would only say so at each request, as a TLS error. */
  if (o->cacert != NULL) {
    FILE *ca = fopen(o->cacert, "r");
    if (ca == NULL) {
      int e = errno;
      (void)fputs(PROG ": --cacert: cannot read '", stderr);
      cli_put_sanitized(stderr, o->cacert);
      (void)fprintf(stderr, "': %s\n", strerror(e));
      return EXIT_FAILED;
    }
    (void)fclose(ca);
  }
  co = client_options(o);
  rc = anthropic_client_init(&app->loop, &app->client, &co, errbuf,
                             sizeof errbuf);
  if (rc == 0) {
    anthropic_client_set_data(app->client, app);
    return PROCEED;
  }
  app->client = NULL;
  if (errbuf[0] == '\0')
    (void)snprintf(errbuf, sizeof errbuf, "%s", anthropic_strerror(rc));
  if (rc == ANTHROPIC_EINVAL && flags_at_fault(&app->loop, o))
    return cli_usage_error("%s", errbuf);
  /* Every request would only get 401: a mistake in how it was run. */
  if (rc == ANTHROPIC_EINVAL && credential_missing(&app->loop, o))
    return cli_usage_error("no credential: give --api-key KEY, or set "
                           "ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN)");
  (void)fprintf(stderr, PROG ": %s\n", errbuf);
  return EXIT_FAILED;
}

static void on_walk(uv_handle_t *handle, void *arg) {
  (void)arg;
  (void)fprintf(stderr, PROG ":   still open: %s handle\n",
                uv_handle_type_name(handle->type));
}

/* Close the loop; anything left open is a bug worth showing. */
static void close_loop(uv_loop_t *loop) {
  int rc = uv_loop_close(loop);
  if (rc != 0) {
    (void)fprintf(stderr, PROG ": uv_loop_close: %s\n", uv_strerror(rc));
    uv_walk(loop, on_walk, NULL);
  }
}

int cli_app_open(app_t *app, const options_t *o) {
  int rc;
  memset(app, 0, sizeof *app);
  app->o = o;
  if (o->workspace_id != NULL) {
    app->reqopts = (anthropic_request_options_t)ANTHROPIC_REQUEST_OPTIONS_INIT;
    app->reqopts.workspace_id = o->workspace_id;
    app->reqopts_p = &app->reqopts;
  }
  if ((rc = uv_loop_init(&app->loop)) != 0) {
    (void)fprintf(stderr, PROG ": uv_loop_init: %s\n", uv_strerror(rc));
    return EXIT_FAILED;
  }
  rc = init_client(app, o);
  if (rc != PROCEED) {
    close_loop(&app->loop);
    return rc;
  }
  /* After init: the library has refused a base URL with credentials in
   * it, so printing the URL cannot show them. */
  if (o->verbose)
    print_config(o);
  return PROCEED;
}

void cli_app_close(app_t *app) {
  close_loop(&app->loop);
}
