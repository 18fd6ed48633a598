/*
 * list.c - `list`: one page, printed once the loop is done; `list --all`:
 * the library's auto-pagination, each page printed (and flushed) as it
 * arrives in JSON, or kept and printed at the end as one aligned table.
 */
#define _XOPEN_SOURCE 700 /* strdup, isatty, wcwidth: see cli.h */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anthropic.h"
#include "cli.h"

/* One request: the single `list` page, or the walk of `list --all` (whose
 * pages are kept in the walk for a table, else printed as they come). */
typedef struct item {
  app_t *app;
  const char *input; /* the argument, or "list" */
  bool failed;       /* then `err` is set */
  item_error_t err;
  anthropic_models_page_t *page; /* list: the kept page */
} item_t;

/* The command's state (app->cmd): items[0] is the one request. */
struct list {
  item_t *items;
  size_t count;
  size_t pending; /* requests whose callback has not run yet */
  /* list --all: JSON printed as it goes; a table kept to the end, as its
   * widths are only known then */
  struct {
    anthropic_models_page_t **kept; /* table: the pages, in order */
    size_t kept_count, kept_cap;
    size_t widths[NCOLS]; /* table: fitted to every kept row */
    size_t pages, models;
    bool out_of_memory, write_failed; /* either stopped the walk */
  } walk;
};

static struct list *list_of(const app_t *app) {
  return app->cmd;
}

/* Record a failure with no details (out of memory, or no error given). */
static void item_fail_kind(item_t *it, int kind) {
  cli_item_error_free(&it->err);
  it->failed = true;
  it->err.kind = kind;
}

static void item_fail(item_t *it, const anthropic_error_t *err) {
  it->failed = true;
  cli_err_keep(&it->err, err);
}

/* Called as each request ends; the last one closes the client, which lets
 * the loop run out. */
static void request_done(app_t *app) {
  if (--list_of(app)->pending == 0)
    cli_close_client(app);
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

/* The parameters of `list` (and of the first page of `list --all`). */
static anthropic_models_list_params_t list_params(const app_t *app) {
  const options_t *o = app->o;
  anthropic_models_list_params_t params = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  params.after_id = o->after_id;
  params.before_id = o->before_id;
  params.limit = o->all ? o->page_size : o->limit;
  params.lifecycle = o->lifecycles;
  params.lifecycle_count = o->lifecycles_count;
  params.options = app->reqopts_p;
  return params;
}

/* `list`: one page. */
static void start_list(app_t *app) {
  struct list *l = list_of(app);
  item_t *it = &l->items[0];
  anthropic_models_list_params_t params = list_params(app);
  anthropic_request_id_t req;
  it->app = app;
  it->input = "list";
  req = cli_use_beta(app)
            ? anthropic_beta_models_list(app->client, &params, on_page, it)
            : anthropic_models_list(app->client, &params, on_page, it);
  if (req == 0)
    item_fail(it, anthropic_client_last_error(app->client));
  else
    l->pending++;
}

static bool print_json(const app_t *app) {
  struct list *l = list_of(app);
  for (size_t k = 0; k < l->count; k++) {
    const item_t *it = &l->items[k];
    if (it->failed) {
      if (!cli_print_line(cli_failure_line("input", it->input, &it->err)))
        return false;
    } else if (it->page != NULL) {
      for (size_t j = 0; j < it->page->count; j++)
        if (!cli_print_model_line(it->page->data[j]))
          return false;
    }
  }
  return true;
}

static const char *table_input(const item_t *it) {
  return cli_shown_input(it->input);
}

static void print_item_error_row(const item_t *it, const size_t *widths) {
  cli_print_error_row(it->input, &it->err, widths);
}

static void print_table(const app_t *app) {
  struct list *l = list_of(app);
  size_t widths[NCOLS];
  cli_title_widths(widths);
  for (size_t k = 0; k < l->count; k++) {
    const item_t *it = &l->items[k];
    if (it->failed) {
      size_t w = cli_display_width(table_input(it));
      if (w > widths[COL_ID])
        widths[COL_ID] = w;
    } else if (it->page != NULL) {
      for (size_t j = 0; j < it->page->count; j++)
        cli_widen(widths, it->page->data[j]);
    }
  }
  cli_print_model_row(NULL, widths);
  for (size_t k = 0; k < l->count; k++) {
    const item_t *it = &l->items[k];
    if (it->failed)
      print_item_error_row(it, widths);
    else if (it->page != NULL)
      for (size_t j = 0; j < it->page->count; j++)
        cli_print_model_row(it->page->data[j], widths);
  }
}

/* Keep a copy of `page` for the table printed at the end, its rows
 * widening the columns; false when out of memory. */
static bool keep_page(app_t *app, const anthropic_models_page_t *page) {
  struct list *l = list_of(app);
  anthropic_models_page_t *copy;
  if (l->walk.kept_count == l->walk.kept_cap) {
    size_t cap = l->walk.kept_cap != 0 ? 2 * l->walk.kept_cap : 8;
    anthropic_models_page_t **grown =
        realloc(l->walk.kept, cap * sizeof(anthropic_models_page_t *));
    if (grown == NULL)
      return false;
    l->walk.kept = grown;
    l->walk.kept_cap = cap;
  }
  if ((copy = anthropic_models_page_copy(page)) == NULL)
    return false;
  l->walk.kept[l->walk.kept_count++] = copy;
  for (size_t j = 0; j < page->count; j++)
    cli_widen(l->walk.widths, page->data[j]);
  return true;
}

/* One page of the walk. JSON: printed and flushed, so a reader sees it at
 * once. Table: kept, as a column's width is only known once every row is
 * (ids and names have no bound); the catalogue is a few hundred models at
 * most, and a table is for a person to read at the end anyway. Returns
 * non-zero (stop the walk) when out of memory or stdout failed. */
static int on_walk_page(const anthropic_models_page_t *page, void *data) {
  item_t *it = data;
  app_t *app = it->app;
  struct list *l = list_of(app);
  l->walk.pages++;
  l->walk.models += page->count;
  if (app->o->verbose) {
    (void)fprintf(stderr, PROG ": page %zu: ", l->walk.pages);
    cli_print_page_cursors(page);
  }
  if (app->o->format == FMT_TABLE) {
    if (!keep_page(app, page))
      l->walk.out_of_memory = true;
    return l->walk.out_of_memory;
  }
  for (size_t j = 0; j < page->count; j++)
    if (!cli_print_model_line(page->data[j])) {
      l->walk.out_of_memory = true;
      break;
    }
  if (!cli_flush_stdout())
    l->walk.write_failed = true;
  return l->walk.out_of_memory || l->walk.write_failed;
}

static void on_walk_done(const anthropic_error_t *err, size_t items,
                         void *data) {
  item_t *it = data;
  if (err != NULL)
    item_fail(it, err);
  if (it->app->o->verbose)
    (void)fprintf(stderr, PROG ": walk ended: pages %zu, models %zu\n",
                  list_of(it->app)->walk.pages, items);
  request_done(it->app);
}

static void start_walk(app_t *app) {
  struct list *l = list_of(app);
  item_t *it = &l->items[0];
  anthropic_models_list_params_t params = list_params(app);
  anthropic_request_id_t req;
  it->app = app;
  it->input = "list";
  cli_title_widths(l->walk.widths);
  req = cli_use_beta(app)
            ? anthropic_beta_models_list_all(app->client, &params, 0,
                                             on_walk_page, on_walk_done, it)
            : anthropic_models_list_all(app->client, &params, 0, on_walk_page,
                                        on_walk_done, it);
  if (req == 0)
    item_fail(it, anthropic_client_last_error(app->client));
  else
    l->pending++;
}

/* After the walk: what is left to print (a table: all of it; the error
 * that ended the walk); the exit status. */
static int report_walk(app_t *app) {
  struct list *l = list_of(app);
  const item_t *it = &l->items[0];
  int status = EXIT_OK;
  if (app->o->format == FMT_TABLE) {
    size_t w = cli_display_width(table_input(it));
    if (it->failed && w > l->walk.widths[COL_ID])
      l->walk.widths[COL_ID] = w;
    cli_print_model_row(NULL, l->walk.widths);
    for (size_t k = 0; k < l->walk.kept_count; k++) {
      const anthropic_models_page_t *page = l->walk.kept[k];
      for (size_t j = 0; j < page->count; j++)
        cli_print_model_row(page->data[j], l->walk.widths);
    }
  }
  if (it->failed) {
    status = EXIT_FAILED;
    if (app->o->format == FMT_TABLE)
      print_item_error_row(it, l->walk.widths);
    else if (!cli_print_line(cli_failure_line("input", it->input, &it->err)))
      l->walk.out_of_memory = true;
  }
  if (l->walk.out_of_memory) {
    (void)fputs(PROG ": out of memory\n", stderr);
    status = EXIT_FAILED;
  }
  if (!cli_finish_stdout())
    status = EXIT_FAILED;
  return status;
}

static void free_list(app_t *app) {
  struct list *l = list_of(app);
  if (l == NULL)
    return;
  for (size_t k = 0; k < l->walk.kept_count; k++)
    anthropic_models_page_free(l->walk.kept[k]);
  free(l->walk.kept);
  for (size_t k = 0; k < l->count; k++) {
    item_t *it = &l->items[k];
    cli_item_error_free(&it->err);
    if (it->page != NULL)
      anthropic_models_page_free(it->page);
  }
  free(l->items);
  free(l);
  app->cmd = NULL;
}

static void print_page_info(const app_t *app) {
  const anthropic_models_page_t *p = list_of(app)->items[0].page;
  if (p == NULL)
    return;
  (void)fputs(PROG ": page of ", stderr);
  cli_print_page_cursors(p);
}

/* Print every result in order; the exit status. */
static int report_list(const app_t *app, const options_t *o) {
  struct list *l = list_of(app);
  int status = EXIT_OK;
  if (o->format == FMT_TABLE)
    print_table(app);
  else if (!print_json(app)) {
    (void)fputs(PROG ": out of memory\n", stderr);
    status = EXIT_FAILED;
  }
  if (o->verbose && o->command == CMD_LIST)
    print_page_info(app);
  for (size_t k = 0; k < l->count; k++)
    if (l->items[k].failed)
      status = EXIT_FAILED;
  if (!cli_finish_stdout())
    status = EXIT_FAILED;
  return status;
}

/* `list` or `list --all`: items[0] is the one request. */
static void start(app_t *app) {
  struct list *l = calloc(1, sizeof *l);
  if (l == NULL || (l->items = calloc(1, sizeof *l->items)) == NULL) {
    (void)fputs(PROG ": out of memory\n", stderr);
    free(l);
    cli_close_client(app);
    return;
  }
  l->count = 1;
  app->cmd = l;
  if (app->o->all)
    start_walk(app);
  else
    start_list(app);
  if (l->pending == 0) /* nothing in flight: no callback closes it */
    cli_close_client(app);
}

static int report(app_t *app) {
  if (app->cmd == NULL) /* out of memory at the start, said then */
    return EXIT_FAILED;
  return app->o->all ? report_walk(app) : report_list(app, app->o);
}

const cli_command_t cli_list_command = {start, report, free_list};
