/* retrieve.c - one model by id or alias, printed as one line of JSON, with
 * options for this request alone (one retry, a 10 s timeout).
 *
 *   ANTHROPIC_API_KEY=... ./retrieve claude-sonnet-4-0
 *
 * Prints the model's JSON and exits 0; on an error prints its kind, HTTP
 * status, request id and message to stderr and exits 1. */
#define _POSIX_C_SOURCE 200809L /* fcntl, open */

#include <anthropic.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <uv.h>

typedef struct app {
  anthropic_client_t *client;
  int failed;
} app_t;

static void on_model(const anthropic_error_t *err,
                     const anthropic_model_info_t *model, void *data) {
  app_t *app = data;
  char *json = NULL;
  if (err != NULL) {
    (void)fprintf(stderr, "%s (HTTP %ld, request-id %s): %s\n",
                  anthropic_err_name(err->kind), err->response->status,
                  err->response->request_id ? err->response->request_id : "-",
                  err->message);
  } else if ((json = anthropic_model_info_json(model)) == NULL) {
    (void)fputs("out of memory\n", stderr);
  } else {
    app->failed = puts(json) == EOF;
    anthropic_free(json);
  }
  anthropic_client_close(app->client, NULL); /* the loop then ends */
}

/* A descriptor 0-2 left closed would become one of the loop's own (README
 * "The contract"): /dev/null onto each, lowest first, before the loop. */
static int reserve_std_fds(void) {
  for (int fd = 0; fd <= 2; fd++)
    if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
        open("/dev/null", O_RDWR) != fd)
      return -1;
  return 0;
}

int main(int argc, char **argv) {
  uv_loop_t loop;
  char err[256];
  app_t app = {NULL, 1};     /* failed until a model is printed */
  anthropic_request_id_t id; /* what anthropic_request_cancel() takes */
  anthropic_request_options_t opts = ANTHROPIC_REQUEST_OPTIONS_INIT;
  anthropic_models_retrieve_params_t params =
      ANTHROPIC_MODELS_RETRIEVE_PARAMS_INIT;

  if (argc != 2) {
    (void)fprintf(stderr, "usage: %s MODEL_ID\n", argv[0]);
    return 2;
  }
  if (reserve_std_fds() != 0 || uv_loop_init(&loop) != 0)
    return 1;
  /* NULL options: key and base URL from the environment. */
  if (anthropic_client_init(&loop, &app.client, NULL, err, sizeof err) != 0) {
    (void)fprintf(stderr, "%s\n", err);
    uv_loop_close(&loop);
    return 1;
  }
  opts.max_retries = 1;
  opts.timeout_ms = 10000;
  params.options = &opts; /* copied by the call */
  id = anthropic_models_retrieve(app.client, argv[1], &params, on_model, &app);
  if (id == 0) {
    /* No callback will run: say why and close now. */
    (void)fprintf(stderr, "%s\n",
                  anthropic_client_last_error(app.client)->message);
    anthropic_client_close(app.client, NULL);
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  return uv_loop_close(&loop) != 0 || app.failed;
}
