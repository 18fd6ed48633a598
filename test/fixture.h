/* fixture.h - a client on a fresh loop against the fake Models API, and
 * what its callbacks saw, for the integration tests. */
#ifndef FIXTURE_H
#define FIXTURE_H

#include "../src/internal.h"
#include "fake_server.h"
#include "test.h"

#include <cjson/cJSON.h>

extern fake_server_t srv; /* started by each test program's main() */

typedef struct fixture {
  uv_loop_t loop;
  anthropic_client_t *client;
  int closed;
} fixture_t;

/* What one callback saw, kept past it. */
typedef struct outcome {
  int calls;
  int kind;
  long status;
  char type[64];
  char message[256];
  char request_id[64];
  int attempts;
  anthropic_model_info_t *model;
  anthropic_models_page_t *page;
  int *in_call; /* set while the starting call runs */
  int ran_inside_call;
} outcome_t;

/* A client pointed at the fake server (base URL and key filled in unless
 * set), environment ignored; the server's record and faults are reset. */
void setup_with(fixture_t *f, anthropic_client_options_t *o);
void setup(fixture_t *f);
/* One attempt per request: for tests of what a single answer gives. */
void setup_no_retries(fixture_t *f);
/* Run until every callback has run, close, and require a clean loop. */
void teardown(fixture_t *f);
void on_closed(anthropic_client_t *c);

/* Queue faults on the fake server (a JSON array of fault specs). */
void add_faults(const char *json);
/* Over --tls: every new connection, its TLS handshake done, waits `ms`
 * before the server's HTTP/2 session starts (and sends its SETTINGS),
 * until the next reset (the next setup). */
void set_settings_delay(unsigned ms);

/* Callbacks that record into an outcome_t passed as data. */
void on_model(const anthropic_error_t *err, const anthropic_model_info_t *m,
              void *data);
void on_page(const anthropic_error_t *err, const anthropic_models_page_t *p,
             void *data);
void outcome_free(outcome_t *o);
/* Retrieve `id` (no params) into `o` (the call must take it), then
 * teardown(): the loop run to its end and the client closed. */
void retrieve_to_the_end(fixture_t *f, const char *id, outcome_t *o);
/* Run `f`'s loop until the fake API has seen `n` requests (at most 2 s),
 * which it must have. */
void run_until_requests(fixture_t *f, int n);

/* The server's catalogue, and the requests it saw (caller deletes). */
cJSON *catalogue(void);
cJSON *requests(void);
const char *req_header(const cJSON *req, const char *name);

/* Unset the ANTHROPIC_* variables and start the fake server. */
int fixture_main_start(void);
int fixture_main_start_args(const char *const *args); /* e.g. "--h2c" */

#endif
