/* callbacks.c - one client, two jobs at once on one loop, and no globals:
 * resolve the aliases given as arguments (each distinct one asked once),
 * and walk every page of the model list. Each callback finds its state
 * through its `data` pointer; the client closes when both jobs are done.
 *
 *   ANTHROPIC_API_KEY=... ./callbacks claude-opus-4-1 claude-haiku-4-5
 *
 * Prints one "alias -> id" (or "alias: error") line per alias in input
 * order, then "N models listed"; exits 1 if anything failed. */
#define _POSIX_C_SOURCE 200809L /* fcntl, open, dup2 */

#include <anthropic.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <uv.h>

typedef struct app {
  anthropic_client_t *client;
  int jobs_left; /* the resolve batch and the walk */
  int failed;
  char **answers; /* one line per alias, printed in order at the end */
  int count;
} app_t;

static void job_done(app_t *app) {
  if (--app->jobs_left == 0)
    anthropic_client_close(app->client, NULL); /* the loop then ends */
}

static void on_alias(const anthropic_error_t *err,
                     const anthropic_model_info_t *model, const char *alias,
                     size_t index, void *data) {
  app_t *app = data;
  char line[512];
  if (err != NULL) {
    (void)snprintf(line, sizeof line, "%s: %s (HTTP %ld)", alias, err->message,
                   err->response->status);
    app->failed = 1;
  } else {
    (void)snprintf(line, sizeof line, "%s -> %s", alias, model->id);
  }
  /* Callbacks come in any order; keep the line for its place. */
  app->answers[index] = malloc(sizeof line);
  if (app->answers[index] != NULL)
    (void)snprintf(app->answers[index], sizeof line, "%s", line);
}

static void on_aliases_done(anthropic_resolve_id_t id, void *data) {
  app_t *app = data;
  (void)id;
  for (int i = 0; i < app->count; i++) {
    puts(app->answers[i] != NULL ? app->answers[i] : "(out of memory)");
    free(app->answers[i]);
  }
  job_done(app);
}

typedef struct walk {
  app_t *app;
  size_t listed;
} walk_t;

static int on_walk_page(const anthropic_models_page_t *page, void *data) {
  walk_t *w = data;
  w->listed += page->count;
  return 0; /* 0: go on to the next page */
}

static void on_walk_done(const anthropic_error_t *err, size_t items,
                         void *data) {
  walk_t *w = data;
  if (err != NULL) {
    (void)fprintf(stderr, "list: %s\n", err->message);
    w->app->failed = 1;
  }
  printf("%zu models listed\n", items);
  job_done(w->app);
}

/* Run with stdin, stdout or stderr closed (`>&-`), the loop's own
 * descriptor (its epoll fd, its signal pipe) or a socket would take that
 * number: output would go there, and libuv aborts when it closes a
 * descriptor under 3. So, before the loop: /dev/null onto each one closed.
 * Returns 0, or -1 when /dev/null cannot be opened. */
static int reserve_std_fds(void) {
  for (int fd = 0; fd <= 2; fd++) {
    int got;
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
      continue; /* open */
    if ((got = open("/dev/null", O_RDWR)) == -1)
      return -1;
    if (got != fd) { /* open(2) takes the lowest free number: never */
      int rc = dup2(got, fd);
      close(got);
      if (rc != fd)
        return -1;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  uv_loop_t loop;
  char err[256];
  app_t app = {NULL, 2, 0, NULL, argc - 1};
  walk_t walk = {&app, 0};
  anthropic_models_list_params_t params = ANTHROPIC_MODELS_LIST_PARAMS_INIT;

  if (reserve_std_fds() != 0 || uv_loop_init(&loop) != 0 ||
      (app.answers = calloc((size_t)argc, sizeof *app.answers)) == NULL)
    return 1;
  /* NULL options: key and base URL from the environment. */
  if (anthropic_client_init(&loop, &app.client, NULL, err, sizeof err) != 0) {
    (void)fprintf(stderr, "%s\n", err);
    return 1;
  }
  params.limit = 100;
  if (anthropic_resolve(app.client, (const char *const *)argv + 1,
                        (size_t)app.count, NULL, on_alias, on_aliases_done,
                        &app) == 0 ||
      anthropic_models_list_all(app.client, &params, 0, on_walk_page,
                                on_walk_done, &walk) == 0) {
    /* A job that did not start runs no callback: close now. */
    (void)fprintf(stderr, "%s\n",
                  anthropic_client_last_error(app.client)->message);
    anthropic_client_close(app.client, NULL);
    app.failed = 1;
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  free(app.answers);
  return uv_loop_close(&loop) != 0 || app.failed;
}
