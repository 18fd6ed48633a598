/* pages.c - the model list stepped through by hand, a few models a page:
 * each page's callback asks for the next one with
 * anthropic_models_page_next() until there is none.
 *
 *   ANTHROPIC_API_KEY=... ./pages 5
 *
 * Prints "PAGE ID" for each model (pages counted from 1), then "N pages";
 * exits 1 if a page failed. The argument is the page size (default 2). */
#define _POSIX_C_SOURCE 200809L /* fcntl, open */

#include <anthropic.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

typedef struct pager {
  anthropic_client_t *client;
  anthropic_models_list_params_t first; /* the first page's: forward */
  int pages;
  int failed;
} pager_t;

static void on_page(const anthropic_error_t *err,
                    const anthropic_models_page_t *page, void *data) {
  pager_t *p = data;
  anthropic_models_list_params_t next = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  if (err != NULL) {
    (void)fprintf(stderr, "page %d: %s\n", p->pages + 1, err->message);
    p->failed = 1;
    anthropic_client_close(p->client, NULL);
    return;
  }
  p->pages++;
  for (size_t i = 0; i < page->count; i++)
    printf("%d %s\n", p->pages, page->data[i]->id);
  /* The direction and limit are the first page's; the cursor is this
   * page's last_id. `next` points into `page`: the list call copies it. */
  if (!anthropic_models_page_next(page, &p->first, &next)) {
    printf("%d pages\n", p->pages);
    anthropic_client_close(p->client, NULL); /* that was the last */
  } else if (anthropic_models_list(p->client, &next, on_page, p) == 0) {
    (void)fprintf(stderr, "%s\n",
                  anthropic_client_last_error(p->client)->message);
    p->failed = 1;
    anthropic_client_close(p->client, NULL);
  }
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
  pager_t p = {NULL, ANTHROPIC_MODELS_LIST_PARAMS_INIT, 0, 0};

  p.first.limit = argc > 1 ? atoi(argv[1]) : 2; /* 1..1000, else EINVAL */
  if (reserve_std_fds() != 0 || uv_loop_init(&loop) != 0)
    return 1;
  if (anthropic_client_init(&loop, &p.client, NULL, err, sizeof err) != 0) {
    (void)fprintf(stderr, "%s\n", err);
    uv_loop_close(&loop);
    return 1;
  }
  if (anthropic_models_list(p.client, &p.first, on_page, &p) == 0) {
    (void)fprintf(stderr, "%s\n",
                  anthropic_client_last_error(p.client)->message);
    anthropic_client_close(p.client, NULL);
    p.failed = 1;
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  return uv_loop_close(&loop) != 0 || p.failed;
}
