/* test_pages.c - pagination, the beta endpoints, per-request options and
 * response metadata against the fake Models API: one behaviour a test.
 * Every test ends with the loop closed cleanly. */
#include "fixture.h"

#include <stdint.h>
#include <time.h>

#define MAXIDS 80
#define IDLEN 96
#define MAXPAGES 80

/* ------------------------------------------------------------------ */
/* The catalogue and the server's record                               */
/* ------------------------------------------------------------------ */

/* The lifecycle the server filters on: absent or null counts as active. */
static const char *effective_lifecycle(const cJSON *m) {
  const cJSON *lc = cJSON_GetObjectItem(m, "lifecycle");
  return cJSON_IsString(lc) ? lc->valuestring : "active";
}

static int in_set(const char *v, const char *const *set, size_t n) {
  if (v == NULL)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (strcmp(v, set[i]) == 0)
      return 1;
  return 0;
}

/* The ids the server lists for these lifecycles (NULL: its default, active
 * and deprecated), in catalogue order. Returns how many. */
static size_t listed_ids(const char *const *lcs, size_t nlcs,
                         char out[][IDLEN]) {
  static const char *const dflt[] = {"active", "deprecated"};
  if (lcs == NULL) {
    lcs = dflt;
    nlcs = 2;
  }
  cJSON *cat = catalogue();
  const cJSON *it;
  size_t n = 0;
  cJSON_ArrayForEach(it, cJSON_GetObjectItem(cat, "models")) {
    if (!in_set(effective_lifecycle(it), lcs, nlcs))
      continue;
    if (n >= MAXIDS) {
      cJSON_Delete(cat);
      FAILF("catalogue larger than the test expects");
    }
    snprintf(out[n++], IDLEN, "%s", cJSON_GetObjectItem(it, "id")->valuestring);
  }
  cJSON_Delete(cat);
  return n;
}

/* A query parameter of a recorded request: how many values, and the first. */
static int qcount(const cJSON *req, const char *key) {
  const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(req, "query"), key);
  return cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0;
}

static const char *qget(const cJSON *req, const char *key, int i) {
  const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(req, "query"), key);
  const cJSON *s = cJSON_GetArrayItem(v, i);
  return cJSON_IsString(s) ? s->valuestring : NULL;
}

/* ------------------------------------------------------------------ */
/* A walk and what its callbacks saw                                   */
/* ------------------------------------------------------------------ */

typedef struct walk {
  anthropic_client_t *client;
  anthropic_request_id_t req;
  int limit;          /* the page size asked for (0: not checked) */
  int stop_after;     /* `each` returns non-zero on this page (1-based) */
  int cancel_on;      /* `each` cancels the walk on this page */
  int cancel_rc;      /* what the cancel from `each` returned */
  int close_on;       /* `each` closes the client on this page */
  int keep_page;      /* `each` copies this page into `kept` */
  fixture_t *fixture; /* for close_on */
  /* What `each` saw. */
  int pages;
  size_t count[MAXPAGES], start[MAXPAGES];
  int has_more[MAXPAGES];
  char first_id[MAXPAGES][IDLEN], last_id[MAXPAGES][IDLEN];
  char ids[MAXIDS * 2][IDLEN];
  size_t n;
  int bad; /* a broken invariant, with its reason */
  char why[160];
  anthropic_models_page_t *kept;
  /* What `done` saw. */
  int done_calls;
  int each_after_done;
  int kind;
  long status;
  int attempts;
  char message[256];
  size_t items;
  int *in_call;
  int ran_inside_call;
} walk_t;

static void walk_bad(walk_t *w, const char *why) {
  if (!w->bad)
    snprintf(w->why, sizeof w->why, "%s (page %d)", why, w->pages);
  w->bad = 1;
}

static int on_each(const anthropic_models_page_t *page, void *data) {
  walk_t *w = data;
  if (w->in_call && *w->in_call)
    w->ran_inside_call = 1;
  if (w->done_calls)
    w->each_after_done = 1;
  if (page == NULL) {
    walk_bad(w, "each got a NULL page");
    return 1;
  }
  if (w->pages >= MAXPAGES) {
    walk_bad(w, "too many pages");
    return 1;
  }
  int p = w->pages++;
  w->count[p] = page->count;
  w->start[p] = w->n;
  w->has_more[p] = page->has_more;
  snprintf(w->first_id[p], IDLEN, "%s", page->first_id ? page->first_id : "");
  snprintf(w->last_id[p], IDLEN, "%s", page->last_id ? page->last_id : "");
  if (w->limit > 0 && page->count > (size_t)w->limit)
    walk_bad(w, "page larger than the limit");
  if (page->count > 0 && page->data == NULL)
    walk_bad(w, "page with items but no data");
  /* The cursors describe the items handed over, a trimmed page included. */
  if (page->count > 0 &&
      (page->first_id == NULL || page->last_id == NULL ||
       strcmp(page->first_id, page->data[0]->id) != 0 ||
       strcmp(page->last_id, page->data[page->count - 1]->id) != 0))
    walk_bad(w, "cursors do not match the items");
  if (page->response == NULL || page->response->status != 200)
    walk_bad(w, "page without a 200 response");
  for (size_t i = 0; i < page->count; i++) {
    if (w->n >= MAXIDS * 2) {
      walk_bad(w, "too many items");
      break;
    }
    if (page->data[i]->id == NULL) {
      walk_bad(w, "item without an id");
      break;
    }
    snprintf(w->ids[w->n++], IDLEN, "%s", page->data[i]->id);
  }
  if (w->keep_page == w->pages)
    w->kept = anthropic_models_page_copy(page);
  if (w->cancel_on == w->pages) {
    /* Twice: still one `done`. */
    w->cancel_rc = anthropic_request_cancel(w->client, w->req);
    (void)anthropic_request_cancel(w->client, w->req);
  }
  if (w->close_on == w->pages)
    anthropic_client_close(w->client, on_closed);
  return w->stop_after == w->pages ? 1 : 0;
}

static void on_done(const anthropic_error_t *err, size_t items, void *data) {
  walk_t *w = data;
  if (w->in_call && *w->in_call)
    w->ran_inside_call = 1;
  w->done_calls++;
  w->items = items;
  if (err == NULL) {
    w->kind = 0;
    return;
  }
  w->kind = err->kind;
  w->status = err->response->status;
  w->attempts = err->attempts;
  snprintf(w->message, sizeof w->message, "%s",
           err->message ? err->message : "");
  if (err->message == NULL || err->response == NULL)
    walk_bad(w, "done's error without message or matching response");
}

static walk_t *walk_new(fixture_t *f, int limit) {
  walk_t *w = calloc(1, sizeof *w);
  CHECK(w != NULL);
  w->client = f->client;
  w->fixture = f;
  w->limit = limit;
  return w;
}

/* A walk of pages of `limit` items (up to `max_items`; 0: all), backward
 * from `before_id` unless NULL, started on a fresh client (`f`) against
 * the fake API with `faults` set (NULL: none). Its callbacks run only
 * from the loop: set what the walk should do (stop_after, cancel_on,
 * close_on, keep_page) before running it. */
static walk_t *walk_start(fixture_t *f, const char *faults, int limit,
                          const char *before_id, size_t max_items) {
  setup(f);
  if (faults != NULL)
    add_faults(faults);
  walk_t *w = walk_new(f, limit);
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  p.limit = limit;
  p.before_id = before_id;
  w->req =
      anthropic_models_list_all(f->client, &p, max_items, on_each, on_done, w);
  CHECK(w->req != 0);
  return w;
}

static void walk_free(walk_t *w) {
  if (w) {
    anthropic_models_page_free(w->kept);
    free(w);
  }
}

/* The walk ended, once, as `kind` (0: well). */
static void check_walk_ended(const walk_t *w, int kind) {
  if (w->bad)
    FAILF("walk: %s", w->why);
  CHECK_EQ_INT(w->done_calls, 1);
  CHECK_EQ_INT(w->kind, kind);
}

/* The walk ended well: `done` once, no error, nothing after it. */
static void check_walk_ok(const walk_t *w) {
  check_walk_ended(w, 0);
  CHECK_EQ_INT(w->each_after_done, 0);
  CHECK_EQ_INT(w->items, w->n);
}

/* `w` saw exactly `want[0..n)`, in order, each once. */
static void check_ids(const walk_t *w, char want[][IDLEN], size_t n) {
  CHECK_EQ_INT(w->n, n);
  for (size_t i = 0; i < n; i++)
    if (strcmp(w->ids[i], want[i]) != 0)
      FAILF("item %zu: \"%s\", want \"%s\"", i, w->ids[i], want[i]);
}

static int pages_needed(size_t n, int size) {
  return n == 0 ? 1 : (int)((n + (size_t)size - 1) / (size_t)size);
}

/* Forward walks: the first request without cursors, each later one with
 * after_id = the previous page's last_id, every one with limit = size and
 * the lifecycles asked for. */
static void check_forward_requests(const walk_t *w, int size,
                                   const char *const *lcs, size_t nlcs) {
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), w->pages);
  for (int i = 0; i < w->pages; i++) {
    const cJSON *r = cJSON_GetArrayItem(reqs, i);
    char lim[16];
    snprintf(lim, sizeof lim, "%d", size);
    CHECK_EQ_STR(cJSON_GetObjectItem(r, "path")->valuestring, "/v1/models");
    CHECK_EQ_STR(qget(r, "limit", 0), lim);
    CHECK_EQ_INT(qcount(r, "before_id"), 0);
    if (i == 0)
      CHECK_EQ_INT(qcount(r, "after_id"), 0);
    else {
      CHECK_EQ_INT(qcount(r, "after_id"), 1);
      CHECK_EQ_STR(qget(r, "after_id", 0), w->last_id[i - 1]);
    }
    CHECK_EQ_INT(qcount(r, "lifecycle[]"), (int)nlcs);
    for (size_t k = 0; k < nlcs; k++)
      CHECK(in_set(qget(r, "lifecycle[]", (int)k), lcs, nlcs));
  }
  cJSON_Delete(reqs);
}

static void forward_walk_at(int size, const char *const *lcs, size_t nlcs) {
  char want[MAXIDS][IDLEN];
  size_t nwant = listed_ids(lcs, nlcs, want);
  fixture_t f;
  int in_call = 0;
  setup(&f);
  walk_t *w = walk_new(&f, size);
  w->in_call = &in_call;
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  p.limit = size;
  p.lifecycle = lcs;
  p.lifecycle_count = nlcs;
  in_call = 1;
  w->req = anthropic_models_list_all(f.client, &p, 0, on_each, on_done, w);
  in_call = 0;
  CHECK(w->req != 0);
  CHECK_EQ_INT(w->pages, 0);
  CHECK_EQ_INT(w->done_calls, 0);
  teardown(&f);
  CHECK_EQ_INT(w->ran_inside_call, 0);
  check_walk_ok(w);
  if (w->n != nwant)
    FAILF("page size %d: %zu items, want %zu", size, w->n, nwant);
  check_ids(w, want, nwant);
  CHECK_EQ_INT(w->items, nwant);
  CHECK_EQ_INT(w->pages, pages_needed(nwant, size));
  CHECK_EQ_INT(w->has_more[w->pages - 1], 0);
  check_forward_requests(w, size, lcs, nlcs);
  walk_free(w);
}

/* ------------------------------------------------------------------ */
/* Auto-pagination                                                     */
/* ------------------------------------------------------------------ */

TEST(list_all_visits_every_listed_model_once_in_order_at_any_page_size) {
  const int sizes[] = {1, 7, 20, 1000};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    forward_walk_at(sizes[i], NULL, 0);
}

TEST(list_all_with_every_lifecycle_visits_all_57_models_in_order) {
  static const char *const all[] = {"active", "deprecated", "retired"};
  char want[MAXIDS][IDLEN];
  CHECK_EQ_INT(listed_ids(all, 3, want), 57);
  const int sizes[] = {1, 7, 20, 1000};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    forward_walk_at(sizes[i], all, 3);
}

TEST(list_all_with_limit_zero_walks_with_the_server_default_of_20) {
  char want[MAXIDS][IDLEN];
  size_t nwant = listed_ids(NULL, 0, want);
  fixture_t f;
  setup(&f);
  walk_t *w = walk_new(&f, 20);
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  w->req = anthropic_models_list_all(f.client, &p, 0, on_each, on_done, w);
  CHECK(w->req != 0);
  teardown(&f);
  check_walk_ok(w);
  check_ids(w, want, nwant);
  CHECK_EQ_INT(w->pages, 3);
  CHECK_EQ_INT(w->count[0], 20);
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), 3);
  CHECK_EQ_INT(qcount(cJSON_GetArrayItem(reqs, 0), "limit"), 0);
  cJSON_Delete(reqs);
  walk_free(w);
}

TEST(list_all_with_null_params_walks_the_default_list) {
  char want[MAXIDS][IDLEN];
  size_t nwant = listed_ids(NULL, 0, want);
  fixture_t f;
  setup(&f);
  walk_t *w = walk_new(&f, 20);
  w->req = anthropic_models_list_all(f.client, NULL, 0, on_each, on_done, w);
  CHECK(w->req != 0);
  teardown(&f);
  check_walk_ok(w);
  check_ids(w, want, nwant);
  CHECK_EQ_INT(fake_request_count(&srv), 3);
  walk_free(w);
}

/* Backward from the oldest listed model: the pages arrive oldest first,
 * each newest-first inside; every model newer than the cursor once. */
static void backward_walk_at(int size) {
  char want[MAXIDS][IDLEN];
  size_t nlisted = listed_ids(NULL, 0, want);
  size_t nwant = nlisted - 1; /* all but the cursor itself */
  char oldest[IDLEN];
  snprintf(oldest, sizeof oldest, "%s", want[nlisted - 1]);
  fixture_t f;
  setup(&f);
  walk_t *w = walk_new(&f, size);
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  p.before_id = oldest;
  p.limit = size;
  w->req = anthropic_models_list_all(f.client, &p, 0, on_each, on_done, w);
  CHECK(w->req != 0);
  teardown(&f);
  check_walk_ok(w);
  if (w->n != nwant)
    FAILF("page size %d: %zu items, want %zu", size, w->n, nwant);
  CHECK_EQ_INT(w->pages, pages_needed(nwant, size));
  /* The pages in reverse arrival order are the catalogue order. */
  size_t k = 0;
  for (int pg = w->pages - 1; pg >= 0; pg--)
    for (size_t i = 0; i < w->count[pg]; i++, k++)
      if (strcmp(w->ids[w->start[pg] + i], want[k]) != 0)
        FAILF("page size %d: backward item %zu: \"%s\", want \"%s\"", size, k,
              w->ids[w->start[pg] + i], want[k]);
  CHECK_EQ_INT(k, nwant);
  /* Each request after the first asked for the page before the last one. */
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), w->pages);
  for (int i = 0; i < w->pages; i++) {
    const cJSON *r = cJSON_GetArrayItem(reqs, i);
    CHECK_EQ_INT(qcount(r, "after_id"), 0);
    CHECK_EQ_INT(qcount(r, "before_id"), 1);
    CHECK_EQ_STR(qget(r, "before_id", 0), i == 0 ? oldest : w->first_id[i - 1]);
  }
  cJSON_Delete(reqs);
  walk_free(w);
}

TEST(list_all_backward_from_before_id_visits_every_newer_model_once) {
  const int sizes[] = {1, 7, 20, 1000};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
    backward_walk_at(sizes[i]);
}

TEST(list_all_from_the_last_model_ends_after_one_empty_page) {
  char want[MAXIDS][IDLEN];
  size_t n = listed_ids(NULL, 0, want);
  fixture_t f;
  setup(&f);
  walk_t *w = walk_new(&f, 5);
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  p.after_id = want[n - 1];
  p.limit = 5;
  w->req = anthropic_models_list_all(f.client, &p, 0, on_each, on_done, w);
  CHECK(w->req != 0);
  teardown(&f);
  check_walk_ok(w);
  CHECK_EQ_INT(w->items, 0);
  CHECK_EQ_INT(w->n, 0);
  CHECK_EQ_INT(fake_request_count(&srv), 1);
  walk_free(w);
}

TEST(each_returning_non_zero_stops_the_walk_after_that_page) {
  fixture_t f;
  walk_t *w = walk_start(&f, NULL, 7, NULL, 0);
  w->stop_after = 2;
  teardown(&f);
  check_walk_ok(w);
  CHECK_EQ_INT(w->pages, 2);
  CHECK_EQ_INT(w->items, 14);
  CHECK_EQ_INT(fake_request_count(&srv), 2);
  walk_free(w);
}

static walk_t *capped_walk(int size, size_t max_items) {
  fixture_t f;
  walk_t *w = walk_start(&f, NULL, size, NULL, max_items);
  teardown(&f);
  check_walk_ok(w);
  return w;
}

TEST(max_items_trims_the_last_page_and_stops_the_walk) {
  char want[MAXIDS][IDLEN];
  listed_ids(NULL, 0, want);
  walk_t *w = capped_walk(7, 10);
  CHECK_EQ_INT(w->items, 10);
  CHECK_EQ_INT(w->pages, 2);
  CHECK_EQ_INT(w->count[0], 7);
  CHECK_EQ_INT(w->count[1], 3);
  check_ids(w, want, 10);
  CHECK_EQ_INT(fake_request_count(&srv), 2);
  walk_free(w);
}

TEST(max_items_on_a_backward_walk_keeps_the_items_nearest_the_start) {
  char want[MAXIDS][IDLEN];
  size_t n = listed_ids(NULL, 0, want);
  fixture_t f;
  /* From the oldest: walk toward the newest. */
  walk_t *w = walk_start(&f, NULL, 7, want[n - 1], 10);
  teardown(&f);
  check_walk_ok(w);
  CHECK_EQ_INT(w->items, 10);
  CHECK_EQ_INT(w->count[1], 3);
  /* Page 1 is the 7 models just newer than the oldest; page 2 keeps the 3
   * just newer than those. */
  for (size_t i = 0; i < 3; i++)
    CHECK_EQ_STR(w->ids[7 + i], want[n - 11 + i]);
  walk_free(w);
}

/* A walk of pages of `size` capped at `max_items`: the items, pages and
 * requests it takes, and the items of its last page (unless ANY_COUNT). */
#define ANY_COUNT ((size_t)-1)
typedef struct cap_case {
  const char *name;
  int size;
  size_t max_items, items;
  int pages;
  size_t last_count;
  int requests;
} cap_case_t;

static const cap_case_t caps[] = {
    {"max_items_on_a_page_boundary_asks_for_no_further_page", 7, 14, 14, 2, 7,
     2},
    {"max_items_smaller_than_a_page_gives_one_trimmed_page", 20, 5, 5, 1, 5, 1},
    {"max_items_beyond_the_list_changes_nothing", 20, 1000, 50, 3, ANY_COUNT,
     3},
};

static void check_cap(const cap_case_t *c) {
  walk_t *w = capped_walk(c->size, c->max_items);
  CHECK_EQ_INT(w->items, c->items);
  CHECK_EQ_INT(w->pages, c->pages);
  if (c->last_count != ANY_COUNT)
    CHECK_EQ_INT(w->count[w->pages - 1], c->last_count);
  CHECK_EQ_INT(fake_request_count(&srv), c->requests);
  walk_free(w);
}
TABLE_TEST(caps, check_cap)

TEST(cancel_from_inside_each_ends_the_walk_as_cancelled) {
  fixture_t f;
  walk_t *w = walk_start(&f, NULL, 7, NULL, 0);
  w->cancel_on = 2;
  teardown(&f);
  check_walk_ended(w, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(w->each_after_done, 0);
  CHECK_EQ_INT(w->cancel_rc, 0);
  CHECK_EQ_INT(w->pages, 2);
  CHECK_EQ_INT(w->items, 14);
  CHECK_EQ_INT(fake_request_count(&srv), 2);
  walk_free(w);
}

TEST(cancel_while_a_page_hangs_ends_the_walk_as_cancelled) {
  fixture_t f;
  walk_t *w = walk_start(&f, "[{\"action\":\"hang\",\"match\":\"after_id\"}]",
                         7, NULL, 0);
  run_until_requests(&f, 2);
  CHECK_EQ_INT(w->pages, 1);
  CHECK_EQ_INT(w->done_calls, 0);
  CHECK_EQ_INT(anthropic_request_cancel(f.client, w->req), 0);
  CHECK_EQ_INT(w->done_calls, 0); /* never from inside cancel */
  teardown(&f);
  check_walk_ended(w, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(w->items, 7);
  CHECK_EQ_INT(fake_request_count(&srv), 2);
  walk_free(w);
}

TEST(a_404_on_page_two_ends_the_walk_with_that_error) {
  fixture_t f;
  walk_t *w = walk_start(
      &f, "[{\"status\":404,\"match\":\"after_id\",\"times\":1}]", 7, NULL, 0);
  teardown(&f);
  check_walk_ended(w, ANTHROPIC_EHTTP);
  CHECK_EQ_INT(w->status, 404);
  CHECK_EQ_INT(w->pages, 1);
  CHECK_EQ_INT(w->items, 7);
  CHECK_EQ_INT(fake_request_count(&srv), 2);
  walk_free(w);
}

/* Every list request, whatever its cursor, gets this page: has_more with
 * a cursor that never moves. */
#define STUCK_PAGE_FAULT                                                       \
  "[{\"match\":\"/v1/models\",\"times\":1000,\"status\":200,"                  \
  "\"body\":{\"data\":[{\"id\":\"stuck\",\"type\":\"model\","                  \
  "\"display_name\":\"Stuck\",\"created_at\":\"2025-01-01T00:00:00Z\"}],"      \
  "\"has_more\":true,\"first_id\":\"stuck\",\"last_id\":\"stuck\"}}]"

/* A whole walk (backward from "newest" when `backward`) over a server
 * scripted with `faults`, which must end it as a bad response: the walk,
 * for the caller's checks (walk_free() it), and the requests it made. */
static walk_t *walk_to_bad_response(const char *faults, int backward,
                                    int *requests) {
  fixture_t f;
  setup(&f);
  add_faults(faults);
  walk_t *w = walk_new(&f, 0);
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  if (backward)
    p.before_id = "newest";
  w->req = anthropic_models_list_all(f.client, &p, 0, on_each, on_done, w);
  CHECK(w->req != 0);
  teardown(&f);
  if (w->bad)
    FAILF("walk (backward %d): %s", backward, w->why);
  CHECK_EQ_INT(w->done_calls, 1);
  CHECK_EQ_INT(w->kind, ANTHROPIC_EBADRESPONSE);
  *requests = fake_request_count(&srv);
  return w;
}

TEST(a_cursor_that_does_not_move_ends_the_walk_as_a_bad_response) {
  for (int backward = 0; backward < 2; backward++) {
    int requests;
    walk_t *w = walk_to_bad_response(STUCK_PAGE_FAULT, backward, &requests);
    /* The first page is handed over; its repeat is not. */
    CHECK_EQ_INT(w->pages, 1);
    CHECK_EQ_INT(w->items, 1);
    CHECK_EQ_INT(requests, 2);
    walk_free(w);
  }
}

/* A page of one model whose cursors are `id`, and which says has_more. */
#define CYCLE_PAGE(id)                                                         \
  "{\"data\":[{\"id\":\"" id "\",\"type\":\"model\",\"display_name\":\"" id    \
  "\",\"created_at\":\"2025-01-01T00:00:00Z\"}],\"has_more\":true,"            \
  "\"first_id\":\"" id "\",\"last_id\":\"" id "\"}"

/* Pages that go round: the first leads to cursor-a, the page after
 * cursor-a to cursor-b, the page after cursor-b back to cursor-a, for as
 * long as the faults last (50 answers each). */
#define CYCLE_FAULTS                                                           \
  "[{\"match\":\"_id=cursor-a\",\"times\":50,\"status\":200,"                  \
  "\"body\":" CYCLE_PAGE(                                                      \
      "cursor-b") "},"                                                         \
                  "{\"match\":\"_id=cursor-b\",\"times\":50,\"status\":200,"   \
                  "\"body\":" CYCLE_PAGE(                                      \
                      "cursor-a") "},"                                         \
                                  "{\"match\":\"/v1/"                          \
                                  "models\",\"times\":50,\"status\":200,"      \
                                  "\"body\":" CYCLE_PAGE("cursor-a") "}]"

TEST(a_walk_that_comes_back_to_a_cursor_ends_as_a_bad_response) {
  for (int backward = 0; backward < 2; backward++) {
    int requests;
    walk_t *w = walk_to_bad_response(CYCLE_FAULTS, backward, &requests);
    CHECK_CONTAINS(w->message, "cursor-a");
    /* A, then B; the page that comes back to A is not handed over. */
    CHECK_EQ_INT(w->pages, 2);
    CHECK_EQ_INT(w->items, 2);
    CHECK_EQ_INT(requests, 3);
    walk_free(w);
  }
}

TEST(a_500_on_page_two_is_retried_and_the_walk_completes) {
  char want[MAXIDS][IDLEN];
  size_t nwant = listed_ids(NULL, 0, want);
  fixture_t f;
  walk_t *w = walk_start(
      &f, "[{\"status\":500,\"match\":\"after_id\",\"times\":1}]", 20, NULL, 0);
  teardown(&f);
  check_walk_ok(w);
  check_ids(w, want, nwant);
  CHECK_EQ_INT(w->pages, 3);
  CHECK_EQ_INT(fake_request_count(&srv), 4);
  walk_free(w);
}

/* A keep-alive timeout racing the next request, as load balancers do: each
 * connection answers one page and is reset 100 ms later, while the walk
 * asks for the next page on it at once. libcurl resends a request that a
 * reused connection lost before any answer; with retries off, that resend
 * is the only way the walk can complete. */
TEST(a_walk_survives_kept_alive_connections_reset_by_the_server) {
  static const char *const all[] = {"active", "deprecated", "retired"};
  char want[MAXIDS][IDLEN];
  size_t nwant = listed_ids(all, 3, want);
  fixture_t f;
  setup_no_retries(&f);
  add_faults("[{\"action\":\"reset_idle\",\"delay_ms\":100,"
             "\"times\":1000}]");
  /* 12 pages: more resends than libcurl allows an easy handle (5). */
  walk_t *w = walk_new(&f, 5);
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  p.limit = 5;
  p.lifecycle = all;
  p.lifecycle_count = 3;
  w->req = anthropic_models_list_all(f.client, &p, 0, on_each, on_done, w);
  CHECK(w->req != 0);
  teardown(&f);
  check_walk_ok(w);
  check_ids(w, want, nwant);
  CHECK_EQ_INT(w->pages, pages_needed(nwant, 5));
  /* Every page answered once, and the race did happen: requests sent on a
   * connection that was about to be reset got no answer (status 0). */
  cJSON *reqs = requests();
  int answered = 0, lost = 0;
  const cJSON *r;
  cJSON_ArrayForEach(r, reqs) {
    int status = cJSON_GetObjectItem(r, "status")->valueint;
    answered += status == 200;
    lost += status == 0;
  }
  cJSON_Delete(reqs);
  CHECK_EQ_INT(answered, w->pages);
  CHECK(lost >= 1);
  walk_free(w);
}

TEST(cancel_while_a_page_waits_to_be_retried_ends_the_walk_at_once) {
  fixture_t f;
  walk_t *w = walk_start(&f,
                         "[{\"status\":503,\"match\":\"after_id\","
                         "\"headers\":{\"retry-after-ms\":\"20000\"}}]",
                         7, NULL, 0);
  run_until_requests(&f, 2);
  /* Let the 503 arrive: the walk now waits 20 s to retry page 2. */
  for (int i = 0; i < 50; i++) {
    uv_run(&f.loop, UV_RUN_NOWAIT);
    struct timespec ts = {0, 5000000};
    nanosleep(&ts, NULL);
  }
  CHECK_EQ_INT(w->done_calls, 0);
  uint64_t t0 = uv_hrtime();
  CHECK_EQ_INT(anthropic_request_cancel(f.client, w->req), 0);
  teardown(&f);
  CHECK((uv_hrtime() - t0) / 1000000 < 5000);
  check_walk_ended(w, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(w->items, 7);
  CHECK_EQ_INT(fake_request_count(&srv), 2);
  walk_free(w);
}

TEST(a_failed_first_page_ends_the_walk_with_no_items) {
  fixture_t f;
  setup(&f);
  add_faults("[{\"status\":401}]");
  walk_t *w = walk_new(&f, 7);
  w->req = anthropic_models_list_all(f.client, NULL, 0, on_each, on_done, w);
  CHECK(w->req != 0);
  teardown(&f);
  check_walk_ended(w, ANTHROPIC_EHTTP);
  CHECK_EQ_INT(w->pages, 0);
  CHECK_EQ_INT(w->status, 401);
  CHECK_EQ_INT(w->attempts, 1);
  CHECK_EQ_INT(w->items, 0);
  walk_free(w);
}

TEST(closing_the_client_mid_walk_ends_it_as_cancelled_once) {
  fixture_t f;
  walk_t *w = walk_start(&f, "[{\"action\":\"hang\",\"match\":\"after_id\"}]",
                         7, NULL, 0);
  run_until_requests(&f, 2);
  anthropic_client_close(f.client, on_closed);
  CHECK_EQ_INT(w->done_calls, 0);
  test_loop_finish(&f.loop);
  CHECK_EQ_INT(f.closed, 1);
  check_walk_ended(w, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(w->items, 7);
  walk_free(w);
}

TEST(closing_the_client_from_inside_each_ends_the_walk_as_cancelled) {
  fixture_t f;
  walk_t *w = walk_start(&f, NULL, 7, NULL, 0);
  w->close_on = 1;
  test_loop_finish(&f.loop);
  CHECK_EQ_INT(f.closed, 1);
  check_walk_ended(w, ANTHROPIC_ECANCELLED);
  CHECK_EQ_INT(w->each_after_done, 0);
  CHECK_EQ_INT(w->pages, 1);
  CHECK_EQ_INT(w->items, 7);
  CHECK(fake_request_count(&srv) <= 2);
  walk_free(w);
}

TEST(a_page_copied_inside_each_outlives_the_walk) {
  char want[MAXIDS][IDLEN];
  listed_ids(NULL, 0, want);
  fixture_t f;
  walk_t *w = walk_start(&f, NULL, 7, NULL, 0);
  w->keep_page = 1;
  teardown(&f);
  check_walk_ok(w);
  CHECK_EQ_INT(w->pages, 8);
  const anthropic_models_page_t *k = w->kept;
  CHECK(k != NULL);
  CHECK_EQ_INT(k->count, 7);
  CHECK(k->has_more);
  for (size_t i = 0; i < 7; i++)
    CHECK_EQ_STR(k->data[i]->id, want[i]);
  CHECK_EQ_STR(k->first_id, want[0]);
  CHECK_EQ_STR(k->last_id, want[6]);
  CHECK(k->response != NULL);
  CHECK_EQ_INT(k->response->status, 200);
  CHECK_CONTAINS(k->response->request_id, "req_fake_");
  walk_free(w);
}

/* A page that max_items trimmed, copied inside `each`: the copy holds the
 * same items and cursors as the trimmed page, not the whole page the
 * server sent (the copy parses the body again, then trims to match). */
TEST(a_trimmed_page_copied_inside_each_keeps_only_its_items) {
  for (int backward = 0; backward < 2; backward++) {
    char want[MAXIDS][IDLEN];
    size_t n = listed_ids(NULL, 0, want);
    fixture_t f;
    walk_t *w = walk_start(&f, NULL, 7, backward ? want[n - 1] : NULL, 10);
    w->keep_page = 2;
    teardown(&f);
    check_walk_ok(w);
    const anthropic_models_page_t *k = w->kept;
    CHECK(k != NULL);
    CHECK_EQ_INT(k->count, 3);
    CHECK(k->has_more);
    for (size_t i = 0; i < 3; i++)
      CHECK_EQ_STR(k->data[i]->id, w->ids[7 + i]);
    CHECK_EQ_STR(k->first_id, w->first_id[1]);
    CHECK_EQ_STR(k->last_id, w->last_id[1]);
    CHECK_EQ_STR(k->first_id, k->data[0]->id);
    CHECK_EQ_STR(k->last_id, k->data[2]->id);
    walk_free(w);
  }
}

/* ------------------------------------------------------------------ */
/* Manual stepping                                                     */
/* ------------------------------------------------------------------ */

typedef struct stepper {
  anthropic_client_t *client;
  anthropic_models_list_params_t cur; /* the params of the page in flight */
  char cursor[IDLEN];                 /* cur's cursor, owned here */
  char ids[MAXIDS][IDLEN];
  size_t n;
  int pages, errors, more_after_false, last_next;
  int bad;
  char why[160];
} stepper_t;

static void step_bad(stepper_t *s, const char *why) {
  if (!s->bad)
    snprintf(s->why, sizeof s->why, "%s (page %d)", why, s->pages);
  s->bad = 1;
}

static void on_step(const anthropic_error_t *err,
                    const anthropic_models_page_t *page, void *data) {
  stepper_t *s = data;
  s->pages++;
  if (err != NULL || page == NULL) {
    s->errors++;
    return;
  }
  for (size_t i = 0; i < page->count && s->n < MAXIDS; i++)
    snprintf(s->ids[s->n++], IDLEN, "%s", page->data[i]->id);
  anthropic_models_list_params_t next;
  memset(&next, 0xA5, sizeof next); /* must be filled in when true */
  next.size = sizeof next;
  bool more = anthropic_models_page_next(page, &s->cur, &next);
  s->last_next = more;
  if (!more) {
    if (page->has_more && page->count > 0 && page->last_id && page->first_id)
      step_bad(s, "page_next false while the page says has_more");
    return;
  }
  if (!page->has_more)
    step_bad(s, "page_next true on the last page");
  /* The same direction, the same size, with the page's edge as cursor. */
  if (s->cur.before_id != NULL) {
    if (next.after_id != NULL || next.before_id == NULL ||
        strcmp(next.before_id, page->first_id) != 0)
      step_bad(s, "backward next is not before_id = first_id");
  } else {
    if (next.before_id != NULL || next.after_id == NULL ||
        strcmp(next.after_id, page->last_id) != 0)
      step_bad(s, "forward next is not after_id = last_id");
  }
  if (next.limit != s->cur.limit)
    step_bad(s, "next changed the limit");
  if (next.lifecycle_count != s->cur.lifecycle_count ||
      next.options != s->cur.options)
    step_bad(s, "next dropped the lifecycle or options");
  if (s->bad)
    return;
  if (anthropic_models_list(s->client, &next, on_step, s) == 0) {
    step_bad(s, "list refused the next params");
    return;
  }
  /* Keep next's cursor past this page. */
  char c[IDLEN];
  snprintf(c, sizeof c, "%s", next.after_id ? next.after_id : next.before_id);
  memcpy(s->cursor, c, sizeof c);
  s->cur = next;
  if (s->cur.after_id)
    s->cur.after_id = s->cursor;
  else
    s->cur.before_id = s->cursor;
}

/* Step through the list by hand with pages of `limit`, backward from
 * `before_id` unless NULL, on a fresh client: the stepper (free() it),
 * which met no error. */
static stepper_t *step_all(int limit, const char *before_id) {
  fixture_t f;
  setup(&f);
  stepper_t *s = calloc(1, sizeof *s);
  CHECK(s != NULL);
  s->client = f.client;
  if (before_id != NULL) {
    snprintf(s->cursor, sizeof s->cursor, "%s", before_id);
    s->cur.before_id = s->cursor;
  }
  s->cur.size = sizeof s->cur;
  s->cur.limit = limit;
  CHECK(anthropic_models_list(f.client, &s->cur, on_step, s) != 0);
  teardown(&f);
  if (s->bad)
    FAILF("stepping: %s", s->why);
  CHECK_EQ_INT(s->errors, 0);
  return s;
}

TEST(page_next_steps_forward_through_every_page_from_inside_the_callback) {
  char want[MAXIDS][IDLEN];
  size_t nwant = listed_ids(NULL, 0, want);
  stepper_t *s = step_all(7, NULL);
  CHECK_EQ_INT(s->pages, 8);
  CHECK_EQ_INT(s->last_next, 0);
  CHECK_EQ_INT(s->n, nwant);
  for (size_t i = 0; i < nwant; i++)
    CHECK_EQ_STR(s->ids[i], want[i]);
  CHECK_EQ_INT(fake_request_count(&srv), 8);
  free(s);
}

TEST(page_next_steps_backward_when_the_first_page_had_before_id) {
  char want[MAXIDS][IDLEN];
  size_t nlisted = listed_ids(NULL, 0, want);
  stepper_t *s = step_all(7, want[nlisted - 1]);
  CHECK_EQ_INT(s->pages, 7); /* 49 newer models, 7 a page */
  CHECK_EQ_INT(s->last_next, 0);
  CHECK_EQ_INT(s->n, nlisted - 1);
  /* Every newer model once. */
  for (size_t i = 0; i + 1 < nlisted; i++) {
    int seen = 0;
    for (size_t j = 0; j < s->n; j++)
      seen += strcmp(s->ids[j], want[i]) == 0;
    if (seen != 1)
      FAILF("%s seen %d times", want[i], seen);
  }
  free(s);
}

TEST(page_next_is_false_on_an_empty_page_or_a_null_cursor) {
  anthropic_models_list_params_t next = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  anthropic_models_page_t empty = {0};
  empty.has_more = true;
  CHECK(!anthropic_models_page_next(&empty, NULL, &next));
  anthropic_model_info_t one;
  memset(&one, 0, sizeof one);
  one.id = "x";
  const anthropic_model_info_t *items[1] = {&one};
  anthropic_models_page_t nocursor = {0};
  nocursor.data = items;
  nocursor.count = 1;
  nocursor.has_more = true;
  nocursor.first_id = "x";
  nocursor.last_id = NULL;
  CHECK(!anthropic_models_page_next(&nocursor, NULL, &next));
  anthropic_models_page_t last = nocursor;
  last.last_id = "x";
  last.has_more = false;
  CHECK(!anthropic_models_page_next(&last, NULL, &next));
  anthropic_models_page_t more = last;
  more.has_more = true;
  CHECK(anthropic_models_page_next(&more, NULL, &next));
  CHECK_EQ_STR(next.after_id, "x");
  CHECK(next.before_id == NULL);
  CHECK_EQ_INT(next.limit, 0);
  /* Backward with a null first_id: no next page. */
  anthropic_models_list_params_t back = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  back.before_id = "y";
  anthropic_models_page_t nofirst = more;
  nofirst.first_id = NULL;
  CHECK(!anthropic_models_page_next(&nofirst, &back, &next));
}

/* ------------------------------------------------------------------ */
/* Lifecycle filters                                                   */
/* ------------------------------------------------------------------ */

static const char *lifecycle_name(anthropic_lifecycle_t v) {
  switch (v) {
  case ANTHROPIC_LIFECYCLE_UNSET:
  case ANTHROPIC_LIFECYCLE_ACTIVE:
    return "active"; /* absent or null counts as active */
  case ANTHROPIC_LIFECYCLE_DEPRECATED:
    return "deprecated";
  case ANTHROPIC_LIFECYCLE_RETIRED:
    return "retired";
  default:
    return "other";
  }
}

static void check_lifecycle_filter(const char *const *lcs, size_t n) {
  char want[MAXIDS][IDLEN];
  size_t nwant = listed_ids(lcs, n, want);
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  p.limit = 1000;
  p.lifecycle = lcs;
  p.lifecycle_count = n;
  CHECK(anthropic_models_list(f.client, &p, on_page, &o) != 0);
  teardown(&f);
  CHECK_EQ_INT(o.calls, 1);
  CHECK_EQ_INT(o.kind, 0);
  const anthropic_models_page_t *pg = o.page;
  if (pg->count != nwant)
    FAILF("lifecycle[0]=%s (of %zu): %zu models, want %zu", lcs[0], n,
          pg->count, nwant);
  CHECK(!pg->has_more);
  for (size_t i = 0; i < pg->count; i++) {
    const anthropic_model_info_t *m = pg->data[i];
    CHECK_EQ_STR(m->id, want[i]);
    if (!in_set(lifecycle_name(m->lifecycle_value), lcs, n))
      FAILF("%s has lifecycle %s, not asked for", m->id,
            lifecycle_name(m->lifecycle_value));
    if (m->lifecycle.state == ANTHROPIC_FIELD_SET)
      CHECK_EQ_STR(m->lifecycle.value, lifecycle_name(m->lifecycle_value));
    else
      CHECK_EQ_INT(m->lifecycle_value, ANTHROPIC_LIFECYCLE_UNSET);
  }
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), 1);
  const cJSON *r = cJSON_GetArrayItem(reqs, 0);
  CHECK_EQ_INT(qcount(r, "lifecycle[]"), (int)n);
  for (size_t i = 0; i < n; i++)
    CHECK(in_set(qget(r, "lifecycle[]", (int)i), lcs, n));
  for (size_t i = 0; i < n; i++) { /* each asked value sent */
    int sent = 0;
    for (size_t j = 0; j < n; j++)
      sent += strcmp(qget(r, "lifecycle[]", (int)j), lcs[i]) == 0;
    CHECK_EQ_INT(sent, 1);
  }
  CHECK_EQ_STR(qget(r, "limit", 0), "1000");
  cJSON_Delete(reqs);
  outcome_free(&o);
}

TEST(lifecycle_filters_list_exactly_the_models_asked_for) {
  static const char *const a[] = {"active"};
  static const char *const d[] = {"deprecated"};
  static const char *const r[] = {"retired"};
  static const char *const ar[] = {"active", "retired"};
  static const char *const dr[] = {"deprecated", "retired"};
  static const char *const all[] = {"active", "deprecated", "retired"};
  char tmp[MAXIDS][IDLEN];
  CHECK_EQ_INT(listed_ids(a, 1, tmp), 40);
  CHECK_EQ_INT(listed_ids(d, 1, tmp), 10);
  CHECK_EQ_INT(listed_ids(r, 1, tmp), 7);
  check_lifecycle_filter(a, 1);
  check_lifecycle_filter(d, 1);
  check_lifecycle_filter(r, 1);
  check_lifecycle_filter(ar, 2);
  check_lifecycle_filter(dr, 2);
  check_lifecycle_filter(all, 3);
}

TEST(no_lifecycle_sends_none_and_lists_active_and_deprecated) {
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  p.limit = 1000;
  CHECK(anthropic_models_list(f.client, &p, on_page, &o) != 0);
  teardown(&f);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_INT(o.page->count, 50);
  for (size_t i = 0; i < o.page->count; i++)
    CHECK(o.page->data[i]->lifecycle_value != ANTHROPIC_LIFECYCLE_RETIRED);
  cJSON *reqs = requests();
  CHECK_EQ_INT(qcount(cJSON_GetArrayItem(reqs, 0), "lifecycle[]"), 0);
  cJSON_Delete(reqs);
  outcome_free(&o);
}

/* ------------------------------------------------------------------ */
/* Invalid parameters                                                  */
/* ------------------------------------------------------------------ */

static void check_refused(anthropic_client_t *c, const char *what) {
  const anthropic_error_t *e = anthropic_client_last_error(c);
  if (e == NULL)
    FAILF("%s: no last error", what);
  if (e->kind != ANTHROPIC_EINVAL)
    FAILF("%s: last error kind %d, want EINVAL", what, (int)e->kind);
  if (e->message == NULL || e->message[0] == '\0')
    FAILF("%s: empty message", what);
}

TEST(invalid_list_params_are_refused_without_a_request) {
  static const char *const beta_lc[] = {"beta"};
  static const char *const mixed_lc[] = {"active", "beta"};
  anthropic_models_list_params_t bad[6];
  const char *what[6] = {"lifecycle beta", "lifecycle active+beta",
                         "limit -1",       "limit 1001",
                         "both cursors",   "lifecycle empty string"};
  static const char *const empty_lc[] = {""};
  for (size_t i = 0; i < 6; i++) { /* refused for what is set, not size 0 */
    anthropic_models_list_params_t init = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
    bad[i] = init;
  }
  bad[0].lifecycle = beta_lc;
  bad[0].lifecycle_count = 1;
  bad[1].lifecycle = mixed_lc;
  bad[1].lifecycle_count = 2;
  bad[2].limit = -1;
  bad[3].limit = 1001;
  bad[4].after_id = "claude-opus-4-1-20250805";
  bad[4].before_id = "claude-sonnet-4-20250514";
  bad[5].lifecycle = empty_lc;
  bad[5].lifecycle_count = 1;
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  walk_t *w = walk_new(&f, 0);
  for (size_t i = 0; i < 6; i++) {
    char buf[96];
    snprintf(buf, sizeof buf, "list, %s", what[i]);
    if (anthropic_models_list(f.client, &bad[i], on_page, &o) != 0)
      FAILF("%s: accepted", buf);
    check_refused(f.client, buf);
    snprintf(buf, sizeof buf, "beta list, %s", what[i]);
    if (anthropic_beta_models_list(f.client, &bad[i], on_page, &o) != 0)
      FAILF("%s: accepted", buf);
    check_refused(f.client, buf);
    snprintf(buf, sizeof buf, "list_all, %s", what[i]);
    if (anthropic_models_list_all(f.client, &bad[i], 0, on_each, on_done, w) !=
        0)
      FAILF("%s: accepted", buf);
    check_refused(f.client, buf);
    snprintf(buf, sizeof buf, "beta list_all, %s", what[i]);
    if (anthropic_beta_models_list_all(f.client, &bad[i], 0, on_each, on_done,
                                       w) != 0)
      FAILF("%s: accepted", buf);
    check_refused(f.client, buf);
  }
  teardown(&f);
  CHECK_EQ_INT(o.calls, 0);
  CHECK_EQ_INT(w->pages, 0);
  CHECK_EQ_INT(w->done_calls, 0);
  CHECK_EQ_INT(fake_request_count(&srv), 0);
  walk_free(w);
}

TEST(invalid_request_options_are_refused_without_a_request) {
  static const char *const crlf_hdr[] = {"X-Bad: a\r\nX-Evil: 1"};
  static const char *const no_colon[] = {"X-Bad"};
  static const char *const comma_beta[] = {"a,b"};
  static const char *const crlf_beta[] = {"a\r\nX-Evil: 1"};
  static const char *const no_eq[] = {"novalue"};
  static const char *const no_name[] = {"=x"};
  anthropic_request_options_t bad[7];
  const char *what[7] = {"workspace_id with CRLF", "header with CRLF",
                         "header without a colon", "beta with a comma",
                         "beta with CRLF",         "query without =",
                         "query without a name"};
  for (size_t i = 0; i < 7; i++) { /* refused for what is set, not size 0 */
    anthropic_request_options_t init = ANTHROPIC_REQUEST_OPTIONS_INIT;
    bad[i] = init;
  }
  bad[0].workspace_id = "ws_1\r\nX-Evil: 1";
  bad[1].headers = crlf_hdr;
  bad[1].headers_count = 1;
  bad[2].headers = no_colon;
  bad[2].headers_count = 1;
  bad[3].betas = comma_beta;
  bad[3].betas_count = 1;
  bad[4].betas = crlf_beta;
  bad[4].betas_count = 1;
  bad[5].query = no_eq;
  bad[5].query_count = 1;
  bad[6].query = no_name;
  bad[6].query_count = 1;
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  walk_t *w = walk_new(&f, 0);
  for (size_t i = 0; i < 7; i++) {
    char buf[96];
    anthropic_models_retrieve_params_t rp = {
        .size = sizeof(anthropic_models_retrieve_params_t), .options = &bad[i]};
    anthropic_models_list_params_t lp = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
    lp.options = &bad[i];
    snprintf(buf, sizeof buf, "retrieve, %s", what[i]);
    if (anthropic_models_retrieve(f.client, "claude-opus-4-1", &rp, on_model,
                                  &o) != 0)
      FAILF("%s: accepted", buf);
    check_refused(f.client, buf);
    snprintf(buf, sizeof buf, "beta retrieve, %s", what[i]);
    if (anthropic_beta_models_retrieve(f.client, "claude-opus-4-1", &rp,
                                       on_model, &o) != 0)
      FAILF("%s: accepted", buf);
    check_refused(f.client, buf);
    snprintf(buf, sizeof buf, "list, %s", what[i]);
    if (anthropic_models_list(f.client, &lp, on_page, &o) != 0)
      FAILF("%s: accepted", buf);
    check_refused(f.client, buf);
    snprintf(buf, sizeof buf, "list_all, %s", what[i]);
    if (anthropic_models_list_all(f.client, &lp, 0, on_each, on_done, w) != 0)
      FAILF("%s: accepted", buf);
    check_refused(f.client, buf);
  }
  teardown(&f);
  CHECK_EQ_INT(o.calls, 0);
  CHECK_EQ_INT(w->done_calls, 0);
  CHECK_EQ_INT(fake_request_count(&srv), 0);
  walk_free(w);
}

TEST(limit_zero_and_the_bounds_1_and_1000_are_accepted) {
  fixture_t f;
  outcome_t o[3];
  memset(o, 0, sizeof o);
  setup(&f);
  const int limits[3] = {0, 1, 1000};
  for (int i = 0; i < 3; i++) {
    anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
    p.limit = limits[i];
    CHECK(anthropic_models_list(f.client, &p, on_page, &o[i]) != 0);
  }
  teardown(&f);
  CHECK_EQ_INT(o[0].kind, 0);
  CHECK_EQ_INT(o[0].page->count, 20);
  CHECK_EQ_INT(o[1].kind, 0);
  CHECK_EQ_INT(o[1].page->count, 1);
  CHECK_EQ_INT(o[2].kind, 0);
  CHECK_EQ_INT(o[2].page->count, 50);
  for (int i = 0; i < 3; i++)
    outcome_free(&o[i]);
}

/* ------------------------------------------------------------------ */
/* Beta endpoints and betas                                            */
/* ------------------------------------------------------------------ */

TEST(beta_calls_send_beta_true_and_the_others_do_not) {
  fixture_t f;
  outcome_t o[4];
  memset(o, 0, sizeof o);
  setup(&f);
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL, on_model,
                                  &o[0]) != 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK(anthropic_beta_models_retrieve(f.client, "claude-opus-4-1", NULL,
                                       on_model, &o[1]) != 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK(anthropic_models_list(f.client, NULL, on_page, &o[2]) != 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK(anthropic_beta_models_list(f.client, NULL, on_page, &o[3]) != 0);
  teardown(&f);
  for (int i = 0; i < 4; i++)
    CHECK_EQ_INT(o[i].kind, 0);
  CHECK_EQ_STR(o[1].model->id, "claude-opus-4-1-20250805");
  CHECK_EQ_INT(o[3].page->count, 20);
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), 4);
  const char *paths[4] = {"/v1/models/claude-opus-4-1",
                          "/v1/models/claude-opus-4-1", "/v1/models",
                          "/v1/models"};
  for (int i = 0; i < 4; i++) {
    const cJSON *r = cJSON_GetArrayItem(reqs, i);
    CHECK_EQ_STR(cJSON_GetObjectItem(r, "path")->valuestring, paths[i]);
    if (i % 2 == 0) {
      CHECK_EQ_INT(qcount(r, "beta"), 0);
    } else {
      CHECK_EQ_INT(qcount(r, "beta"), 1);
      CHECK_EQ_STR(qget(r, "beta", 0), "true");
    }
  }
  cJSON_Delete(reqs);
  for (int i = 0; i < 4; i++)
    outcome_free(&o[i]);
}

TEST(beta_list_keeps_its_other_query_parameters) {
  fixture_t f;
  outcome_t o = {0};
  static const char *const r[] = {"retired"};
  setup(&f);
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  p.limit = 3;
  p.after_id = "claude-3-5-sonnet-20241022";
  p.lifecycle = r;
  p.lifecycle_count = 1;
  CHECK(anthropic_beta_models_list(f.client, &p, on_page, &o) != 0);
  teardown(&f);
  CHECK_EQ_INT(o.kind, 0);
  CHECK_EQ_INT(o.page->count, 3);
  CHECK_EQ_STR(o.page->data[0]->id, "claude-3-5-sonnet-20240620");
  cJSON *reqs = requests();
  const cJSON *q = cJSON_GetArrayItem(reqs, 0);
  CHECK_EQ_STR(qget(q, "beta", 0), "true");
  CHECK_EQ_STR(qget(q, "limit", 0), "3");
  CHECK_EQ_STR(qget(q, "after_id", 0), "claude-3-5-sonnet-20241022");
  CHECK_EQ_STR(qget(q, "lifecycle[]", 0), "retired");
  cJSON_Delete(reqs);
  outcome_free(&o);
}

TEST(beta_list_all_sends_beta_true_and_the_betas_on_every_page) {
  static const char *const cbetas[] = {"a-2025", "b-2026"};
  static const char *const rbetas[] = {"c"};
  char want[MAXIDS][IDLEN];
  size_t nwant = listed_ids(NULL, 0, want);
  fixture_t f;
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  co.betas = cbetas;
  co.betas_count = 2;
  setup_with(&f, &co);
  walk_t *w = walk_new(&f, 20);
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  ro.betas = rbetas;
  ro.betas_count = 1;
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  p.limit = 20;
  p.options = &ro;
  w->req = anthropic_beta_models_list_all(f.client, &p, 0, on_each, on_done, w);
  CHECK(w->req != 0);
  teardown(&f);
  check_walk_ok(w);
  check_ids(w, want, nwant);
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), 3);
  const cJSON *r;
  cJSON_ArrayForEach(r, reqs) {
    CHECK_EQ_INT(qcount(r, "beta"), 1);
    CHECK_EQ_STR(qget(r, "beta", 0), "true");
    CHECK_EQ_STR(req_header(r, "anthropic-beta"), "a-2025,b-2026,c");
  }
  cJSON_Delete(reqs);
  walk_free(w);
}

TEST(list_all_never_sends_beta_true) {
  fixture_t f;
  setup(&f);
  walk_t *w = walk_new(&f, 20);
  w->req = anthropic_models_list_all(f.client, NULL, 0, on_each, on_done, w);
  CHECK(w->req != 0);
  teardown(&f);
  check_walk_ok(w);
  cJSON *reqs = requests();
  const cJSON *r;
  cJSON_ArrayForEach(r, reqs) CHECK_EQ_INT(qcount(r, "beta"), 0);
  cJSON_Delete(reqs);
  walk_free(w);
}

/* A retrieve and a list page with `ro`, then a retrieve without it, on a
 * client set up with `co`; all must succeed. Returns what the server saw
 * (caller deletes). */
static cJSON *with_then_without(anthropic_client_options_t *co,
                                const anthropic_request_options_t *ro) {
  fixture_t f;
  outcome_t o[3];
  memset(o, 0, sizeof o);
  setup_with(&f, co);
  anthropic_models_retrieve_params_t rp = {
      .size = sizeof(anthropic_models_retrieve_params_t), .options = ro};
  anthropic_models_list_params_t lp = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  lp.options = ro;
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", &rp, on_model,
                                  &o[0]) != 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK(anthropic_models_list(f.client, &lp, on_page, &o[1]) != 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL, on_model,
                                  &o[2]) != 0);
  teardown(&f);
  for (int i = 0; i < 3; i++) {
    CHECK_EQ_INT(o[i].kind, 0);
    outcome_free(&o[i]);
  }
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), 3);
  return reqs;
}

TEST(client_and_request_betas_join_into_one_header) {
  static const char *const cbetas[] = {"a-2025", "b-2026"};
  static const char *const rbetas[] = {"c"};
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  co.betas = cbetas;
  co.betas_count = 2;
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  ro.betas = rbetas;
  ro.betas_count = 1;
  cJSON *reqs = with_then_without(&co, &ro);
  CHECK_EQ_STR(req_header(cJSON_GetArrayItem(reqs, 0), "anthropic-beta"),
               "a-2025,b-2026,c");
  CHECK_EQ_STR(req_header(cJSON_GetArrayItem(reqs, 1), "anthropic-beta"),
               "a-2025,b-2026,c");
  /* The request's betas were for that request only. */
  CHECK_EQ_STR(req_header(cJSON_GetArrayItem(reqs, 2), "anthropic-beta"),
               "a-2025,b-2026");
  cJSON_Delete(reqs);
}

TEST(request_betas_alone_are_sent_without_client_betas) {
  static const char *const rbetas[] = {"x-1", "y-2"};
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  ro.betas = rbetas;
  ro.betas_count = 2;
  anthropic_models_retrieve_params_t rp = {
      .size = sizeof(anthropic_models_retrieve_params_t), .options = &ro};
  CHECK(anthropic_beta_models_retrieve(f.client, "claude-opus-4-1", &rp,
                                       on_model, &o) != 0);
  teardown(&f);
  CHECK_EQ_INT(o.kind, 0);
  cJSON *reqs = requests();
  CHECK_EQ_STR(req_header(cJSON_GetArrayItem(reqs, 0), "anthropic-beta"),
               "x-1,y-2");
  cJSON_Delete(reqs);
  outcome_free(&o);
}

TEST(without_betas_no_anthropic_beta_header_is_sent) {
  fixture_t f;
  outcome_t o[2];
  memset(o, 0, sizeof o);
  setup(&f);
  CHECK(anthropic_beta_models_retrieve(f.client, "claude-opus-4-1", NULL,
                                       on_model, &o[0]) != 0);
  CHECK(anthropic_models_list(f.client, NULL, on_page, &o[1]) != 0);
  teardown(&f);
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), 2);
  const cJSON *r;
  cJSON_ArrayForEach(r, reqs) CHECK(req_header(r, "anthropic-beta") == NULL);
  cJSON_Delete(reqs);
  for (int i = 0; i < 2; i++)
    outcome_free(&o[i]);
}

/* ------------------------------------------------------------------ */
/* Per-request options                                                 */
/* ------------------------------------------------------------------ */

TEST(request_headers_are_sent_and_replace_the_clients_for_that_request) {
  static const char *const hdrs[] = {"X-Trace: 1",
                                     "anthropic-version: 2026-10-21"};
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  ro.headers = hdrs;
  ro.headers_count = 2;
  cJSON *reqs = with_then_without(&co, &ro);
  for (int i = 0; i < 2; i++) {
    const cJSON *r = cJSON_GetArrayItem(reqs, i);
    CHECK_EQ_STR(req_header(r, "x-trace"), "1");
    CHECK_EQ_STR(req_header(r, "anthropic-version"), "2026-10-21");
  }
  const cJSON *r2 = cJSON_GetArrayItem(reqs, 2);
  CHECK(req_header(r2, "x-trace") == NULL);
  CHECK_EQ_STR(req_header(r2, "anthropic-version"), "2023-06-01");
  cJSON_Delete(reqs);
}

TEST(request_headers_replace_a_client_header_of_the_same_name) {
  static const char *const chdrs[] = {"X-Team: blue"};
  static const char *const rhdrs[] = {"x-team: red"};
  fixture_t f;
  outcome_t o[2];
  memset(o, 0, sizeof o);
  anthropic_client_options_t co = ANTHROPIC_CLIENT_OPTIONS_INIT;
  co.headers = chdrs;
  co.headers_count = 1;
  setup_with(&f, &co);
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  ro.headers = rhdrs;
  ro.headers_count = 1;
  anthropic_models_retrieve_params_t rp = {
      .size = sizeof(anthropic_models_retrieve_params_t), .options = &ro};
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", &rp, on_model,
                                  &o[0]) != 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL, on_model,
                                  &o[1]) != 0);
  teardown(&f);
  cJSON *reqs = requests();
  CHECK_EQ_STR(req_header(cJSON_GetArrayItem(reqs, 0), "x-team"), "red");
  CHECK_EQ_STR(req_header(cJSON_GetArrayItem(reqs, 1), "x-team"), "blue");
  cJSON_Delete(reqs);
  for (int i = 0; i < 2; i++)
    outcome_free(&o[i]);
}

TEST(request_query_parameters_are_percent_encoded_and_sent) {
  static const char *const q[] = {"foo=bar baz", "amp=a&b=c", "x=1"};
  fixture_t f;
  outcome_t o[2];
  memset(o, 0, sizeof o);
  setup(&f);
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  ro.query = q;
  ro.query_count = 3;
  anthropic_models_retrieve_params_t rp = {
      .size = sizeof(anthropic_models_retrieve_params_t), .options = &ro};
  anthropic_models_list_params_t lp = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  lp.limit = 2;
  lp.options = &ro;
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", &rp, on_model,
                                  &o[0]) != 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK(anthropic_models_list(f.client, &lp, on_page, &o[1]) != 0);
  teardown(&f);
  CHECK_EQ_INT(o[0].kind, 0);
  CHECK_EQ_INT(o[1].kind, 0);
  CHECK_EQ_INT(o[1].page->count, 2);
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), 2);
  const cJSON *r;
  cJSON_ArrayForEach(r, reqs) {
    CHECK_EQ_INT(qcount(r, "foo"), 1);
    CHECK_EQ_STR(qget(r, "foo", 0), "bar baz");
    CHECK_EQ_STR(qget(r, "amp", 0), "a&b=c");
    CHECK_EQ_INT(qcount(r, "b"), 0);
    CHECK_EQ_STR(qget(r, "x", 0), "1");
  }
  CHECK_EQ_STR(qget(cJSON_GetArrayItem(reqs, 1), "limit", 0), "2");
  cJSON_Delete(reqs);
  for (int i = 0; i < 2; i++)
    outcome_free(&o[i]);
}

TEST(workspace_id_is_sent_as_anthropic_workspace_id) {
  fixture_t f;
  outcome_t o[2];
  memset(o, 0, sizeof o);
  setup(&f);
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  ro.workspace_id = "ws_1";
  anthropic_models_list_params_t lp = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  lp.options = &ro;
  CHECK(anthropic_models_list(f.client, &lp, on_page, &o[0]) != 0);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  CHECK(anthropic_models_list(f.client, NULL, on_page, &o[1]) != 0);
  teardown(&f);
  cJSON *reqs = requests();
  CHECK_EQ_STR(
      req_header(cJSON_GetArrayItem(reqs, 0), "anthropic-workspace-id"),
      "ws_1");
  CHECK(req_header(cJSON_GetArrayItem(reqs, 1), "anthropic-workspace-id") ==
        NULL);
  cJSON_Delete(reqs);
  for (int i = 0; i < 2; i++)
    outcome_free(&o[i]);
}

TEST(request_max_retries_overrides_the_clients_both_ways) {
  static const struct {
    bool client_retries; /* the client's 2, or none */
    const char *faults;
    int max_retries; /* the request's */
    bool list;       /* a list, else a retrieve */
    int kind, attempts, requests;
  } cases[] = {
      /* Fewer: the client's 2 retries cut to 1. */
      {true, "[{\"status\":500,\"times\":3}]", 1, true, ANTHROPIC_EHTTP, 2, 2},
      /* None at all for this request. */
      {true, "[{\"status\":500,\"times\":3}]", 0, false, ANTHROPIC_EHTTP, 1, 1},
      /* More: a client without retries, a request with 2. */
      {false, "[{\"status\":500,\"times\":2}]", 2, false, 0, 0, 3},
  };
  for (size_t i = 0; i < ANTH_ARRAY_SIZE(cases); i++) {
    fixture_t f;
    outcome_t o = {0};
    if (cases[i].client_retries)
      setup(&f);
    else
      setup_no_retries(&f);
    add_faults(cases[i].faults);
    anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
    ro.max_retries = cases[i].max_retries;
    anthropic_models_list_params_t lp = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
    anthropic_models_retrieve_params_t rp =
        ANTHROPIC_MODELS_RETRIEVE_PARAMS_INIT;
    lp.options = &ro;
    rp.options = &ro;
    if (cases[i].list)
      CHECK(anthropic_models_list(f.client, &lp, on_page, &o) != 0);
    else
      CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", &rp,
                                      on_model, &o) != 0);
    teardown(&f);
    CHECK_EQ_INT(o.kind, cases[i].kind);
    if (cases[i].kind != 0) {
      CHECK_EQ_INT(o.status, 500);
      CHECK_EQ_INT(o.attempts, cases[i].attempts);
    }
    CHECK_EQ_INT(fake_request_count(&srv), cases[i].requests);
    outcome_free(&o);
  }
}

TEST(request_timeout_overrides_the_clients) {
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  add_faults("[{\"action\":\"hang\"}]");
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  ro.timeout_ms = 300;
  ro.max_retries = 0;
  anthropic_models_retrieve_params_t rp = {
      .size = sizeof(anthropic_models_retrieve_params_t), .options = &ro};
  uint64_t t0 = uv_hrtime();
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", &rp, on_model,
                                  &o) != 0);
  teardown(&f);
  uint64_t ms = (uv_hrtime() - t0) / 1000000;
  CHECK_EQ_INT(o.calls, 1);
  CHECK_EQ_INT(o.kind, ANTHROPIC_ETIMEDOUT);
  CHECK_EQ_INT(o.attempts, 1);
  CHECK(ms < 10000);
  CHECK_EQ_INT(fake_request_count(&srv), 1);
}

TEST(list_all_applies_its_request_options_to_every_page) {
  static const char *const hdrs[] = {"X-Trace: walk"};
  fixture_t f;
  setup(&f);
  walk_t *w = walk_new(&f, 20);
  anthropic_request_options_t ro = ANTHROPIC_REQUEST_OPTIONS_INIT;
  ro.headers = hdrs;
  ro.headers_count = 1;
  ro.workspace_id = "ws_1";
  anthropic_models_list_params_t p = ANTHROPIC_MODELS_LIST_PARAMS_INIT;
  p.limit = 20;
  p.options = &ro;
  w->req = anthropic_models_list_all(f.client, &p, 0, on_each, on_done, w);
  CHECK(w->req != 0);
  teardown(&f);
  check_walk_ok(w);
  CHECK_EQ_INT(w->items, 50);
  cJSON *reqs = requests();
  CHECK_EQ_INT(cJSON_GetArraySize(reqs), 3);
  const cJSON *r;
  cJSON_ArrayForEach(r, reqs) {
    CHECK_EQ_STR(req_header(r, "x-trace"), "walk");
    CHECK_EQ_STR(req_header(r, "anthropic-workspace-id"), "ws_1");
  }
  cJSON_Delete(reqs);
  walk_free(w);
}

/* ------------------------------------------------------------------ */
/* Response metadata                                                   */
/* ------------------------------------------------------------------ */

typedef struct meta {
  int calls, bad;
  char why[160];
} meta_t;

static void check_response(meta_t *m, const anthropic_response_t *r,
                           long status) {
  if (r == NULL) {
    m->bad = 1;
    snprintf(m->why, sizeof m->why, "no response");
    return;
  }
  if (r->status != status || r->request_id == NULL ||
      strncmp(r->request_id, "req_fake_", 9) != 0 ||
      r->ratelimit_requests_limit != 1000 ||
      r->ratelimit_requests_remaining < 0 ||
      r->ratelimit_requests_remaining > 1000 ||
      r->ratelimit_requests_reset == NULL ||
      strlen(r->ratelimit_requests_reset) < 20 ||
      r->ratelimit_requests_reset[strlen(r->ratelimit_requests_reset) - 1] !=
          'Z') {
    m->bad = 1;
    snprintf(m->why, sizeof m->why,
             "status %ld request_id %s limit %lld remaining %lld reset %s",
             r->status, r->request_id ? r->request_id : "(null)",
             (long long)r->ratelimit_requests_limit,
             (long long)r->ratelimit_requests_remaining,
             r->ratelimit_requests_reset ? r->ratelimit_requests_reset
                                         : "(null)");
  }
}

static void meta_model(const anthropic_error_t *err,
                       const anthropic_model_info_t *model, void *data) {
  meta_t *m = data;
  m->calls++;
  if (err != NULL || model == NULL) {
    m->bad = 1;
    snprintf(m->why, sizeof m->why, "retrieve failed");
    return;
  }
  check_response(m, model->response, 200);
}

static void meta_page(const anthropic_error_t *err,
                      const anthropic_models_page_t *page, void *data) {
  meta_t *m = data;
  m->calls++;
  if (err != NULL || page == NULL) {
    m->bad = 1;
    snprintf(m->why, sizeof m->why, "list failed");
    return;
  }
  check_response(m, page->response, 200);
  for (size_t i = 0; i < page->count; i++)
    if (page->data[i]->response != NULL) {
      m->bad = 1;
      snprintf(m->why, sizeof m->why, "page item %zu has a response", i);
    }
}

static void meta_error(const anthropic_error_t *err,
                       const anthropic_model_info_t *model, void *data) {
  meta_t *m = data;
  m->calls++;
  if (err == NULL || model != NULL) {
    m->bad = 1;
    snprintf(m->why, sizeof m->why, "retrieve did not fail");
    return;
  }
  check_response(m, err->response, 404);
  if (!m->bad &&
      (err->response->status != 404 || err->response->request_id == NULL ||
       strcmp(err->response->request_id, err->response->request_id) != 0)) {
    m->bad = 1;
    snprintf(m->why, sizeof m->why, "error fields disagree with response");
  }
}

TEST(results_and_errors_carry_status_request_id_and_rate_limits) {
  fixture_t f;
  meta_t a = {0}, b = {0}, c = {0}, d = {0};
  setup(&f);
  CHECK(anthropic_models_retrieve(f.client, "claude-opus-4-1", NULL, meta_model,
                                  &a) != 0);
  CHECK(anthropic_models_list(f.client, NULL, meta_page, &b) != 0);
  CHECK(anthropic_models_retrieve(f.client, "no-such-model", NULL, meta_error,
                                  &c) != 0);
  CHECK(anthropic_beta_models_retrieve(f.client, "claude-opus-4-1", NULL,
                                       meta_model, &d) != 0);
  teardown(&f);
  meta_t *all[4] = {&a, &b, &c, &d};
  const char *names[4] = {"retrieve", "list", "404", "beta retrieve"};
  for (int i = 0; i < 4; i++) {
    if (all[i]->calls != 1)
      FAILF("%s: %d calls", names[i], all[i]->calls);
    if (all[i]->bad)
      FAILF("%s: %s", names[i], all[i]->why);
  }
}

TEST(a_copied_model_keeps_its_response_metadata) {
  fixture_t f;
  outcome_t o = {0};
  setup(&f);
  retrieve_to_the_end(&f, "claude-opus-4-1", &o);
  CHECK_EQ_INT(o.kind, 0);
  const anthropic_response_t *r = o.model->response;
  CHECK(r != NULL);
  CHECK_EQ_INT(r->status, 200);
  CHECK_CONTAINS(r->request_id, "req_fake_");
  CHECK_EQ_INT(r->ratelimit_requests_limit, 1000);
  CHECK(r->ratelimit_requests_remaining >= 0);
  CHECK(r->ratelimit_requests_reset != NULL);
  outcome_free(&o);
}

int main(void) {
  if (fixture_main_start() != 0)
    return 1;
  int rc = RUN(
      T(list_all_visits_every_listed_model_once_in_order_at_any_page_size),
      T(list_all_with_every_lifecycle_visits_all_57_models_in_order),
      T(list_all_with_limit_zero_walks_with_the_server_default_of_20),
      T(list_all_with_null_params_walks_the_default_list),
      T(list_all_backward_from_before_id_visits_every_newer_model_once),
      T(list_all_from_the_last_model_ends_after_one_empty_page),
      T(each_returning_non_zero_stops_the_walk_after_that_page),
      T(max_items_trims_the_last_page_and_stops_the_walk),
      T(max_items_on_a_backward_walk_keeps_the_items_nearest_the_start),
      TABLE(caps), T(cancel_from_inside_each_ends_the_walk_as_cancelled),
      T(cancel_while_a_page_hangs_ends_the_walk_as_cancelled),
      T(a_404_on_page_two_ends_the_walk_with_that_error),
      T(a_cursor_that_does_not_move_ends_the_walk_as_a_bad_response),
      T(a_walk_that_comes_back_to_a_cursor_ends_as_a_bad_response),
      T(a_500_on_page_two_is_retried_and_the_walk_completes),
      T(a_walk_survives_kept_alive_connections_reset_by_the_server),
      T(cancel_while_a_page_waits_to_be_retried_ends_the_walk_at_once),
      T(a_failed_first_page_ends_the_walk_with_no_items),
      T(closing_the_client_mid_walk_ends_it_as_cancelled_once),
      T(closing_the_client_from_inside_each_ends_the_walk_as_cancelled),
      T(a_page_copied_inside_each_outlives_the_walk),
      T(a_trimmed_page_copied_inside_each_keeps_only_its_items),
      T(page_next_steps_forward_through_every_page_from_inside_the_callback),
      T(page_next_steps_backward_when_the_first_page_had_before_id),
      T(page_next_is_false_on_an_empty_page_or_a_null_cursor),
      T(lifecycle_filters_list_exactly_the_models_asked_for),
      T(no_lifecycle_sends_none_and_lists_active_and_deprecated),
      T(invalid_list_params_are_refused_without_a_request),
      T(invalid_request_options_are_refused_without_a_request),
      T(limit_zero_and_the_bounds_1_and_1000_are_accepted),
      T(beta_calls_send_beta_true_and_the_others_do_not),
      T(beta_list_keeps_its_other_query_parameters),
      T(beta_list_all_sends_beta_true_and_the_betas_on_every_page),
      T(list_all_never_sends_beta_true),
      T(client_and_request_betas_join_into_one_header),
      T(request_betas_alone_are_sent_without_client_betas),
      T(without_betas_no_anthropic_beta_header_is_sent),
      T(request_headers_are_sent_and_replace_the_clients_for_that_request),
      T(request_headers_replace_a_client_header_of_the_same_name),
      T(request_query_parameters_are_percent_encoded_and_sent),
      T(workspace_id_is_sent_as_anthropic_workspace_id),
      T(request_max_retries_overrides_the_clients_both_ways),
      T(request_timeout_overrides_the_clients),
      T(list_all_applies_its_request_options_to_every_page),
      T(results_and_errors_carry_status_request_id_and_rate_limits),
      T(a_copied_model_keeps_its_response_metadata));
  fake_server_stop(&srv);
  return rc;
}
