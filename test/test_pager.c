/* test_pager.c - a walk's rules on their own, with no loop or server:
 * which cursor leads on, that a walk knows every cursor it followed, and
 * that it asks for no more than ANTHROPIC_WALK_MAX_PAGES pages. */
#include "../src/internal.h"
#include "test.h"

static anthropic_models_page_t page_of(size_t count, const char *first,
                                       const char *last, bool has_more) {
  anthropic_models_page_t p;
  memset(&p, 0, sizeof p);
  p.count = count;
  p.first_id = first;
  p.last_id = last;
  p.has_more = has_more;
  return p;
}

TEST(the_next_cursor_is_last_id_forward_and_first_id_backward) {
  anthropic_models_page_t p = page_of(2, "a", "b", true);
  CHECK_EQ_STR(anth__pager_next(&p, false), "b");
  CHECK_EQ_STR(anth__pager_next(&p, true), "a");
}

TEST(there_is_no_next_cursor_without_more_items_or_a_cursor) {
  anthropic_models_page_t last = page_of(2, "a", "b", false);
  anthropic_models_page_t empty = page_of(0, "a", "b", true);
  anthropic_models_page_t none = page_of(2, NULL, NULL, true);
  CHECK(anth__pager_next(&last, false) == NULL);
  CHECK(anth__pager_next(&empty, false) == NULL);
  CHECK(anth__pager_next(&none, true) == NULL);
}

TEST(a_page_has_its_own_cursor_even_when_it_is_the_last) {
  anthropic_models_page_t last = page_of(2, "a", "b", false);
  anthropic_models_page_t empty = page_of(0, "a", "b", false);
  CHECK_EQ_STR(anth__pager_cursor(&last, false), "b");
  CHECK_EQ_STR(anth__pager_cursor(&last, true), "a");
  CHECK(anth__pager_cursor(&empty, false) == NULL);
}

TEST(a_new_walk_has_seen_nothing) {
  anth_pager_t p = {0};
  CHECK(!anth__pager_seen(&p, "a"));
  CHECK(!anth__pager_seen(&p, NULL));
  anth__pager_free(&p);
}

/* A -> B -> A: the page that comes back to A is known. */
TEST(a_cursor_followed_before_is_seen_again) {
  anth_pager_t p = {0};
  CHECK_EQ_INT(anth__pager_follow(&p, "cursor-a"), 0);
  CHECK(!anth__pager_seen(&p, "cursor-b"));
  CHECK_EQ_INT(anth__pager_follow(&p, "cursor-b"), 0);
  CHECK(anth__pager_seen(&p, "cursor-a"));
  CHECK(anth__pager_seen(&p, "cursor-b"));
  CHECK(!anth__pager_seen(&p, "cursor-c"));
  CHECK(!anth__pager_seen(&p, "cursor-"));
  CHECK(!anth__pager_seen(&p, ""));
  anth__pager_free(&p);
  CHECK(!anth__pager_seen(&p, "cursor-a")); /* emptied */
}

/* Many cursors, through every growth of the table: each is known, no
 * other is, and the memory stays at 8 bytes a slot, at most half full. */
TEST(every_cursor_of_a_long_walk_is_remembered) {
  anth_pager_t p = {0};
  char id[32];
  for (int i = 0; i < 5000; i++) {
    snprintf(id, sizeof id, "model-%d", i);
    CHECK(!anth__pager_seen(&p, id));
    CHECK_EQ_INT(anth__pager_follow(&p, id), 0);
  }
  for (int i = 0; i < 5000; i++) {
    snprintf(id, sizeof id, "model-%d", i);
    CHECK(anth__pager_seen(&p, id));
    snprintf(id, sizeof id, "other-%d", i);
    CHECK(!anth__pager_seen(&p, id));
  }
  CHECK_EQ_INT(p.pages, 5000);
  CHECK(p.cap <= 16384 && 2 * p.used <= p.cap);
  anth__pager_free(&p);
}

/* Unique cursors forever: the walk asks for its first page and then
 * follows at most ANTHROPIC_WALK_MAX_PAGES - 1 cursors, in 256 KB. */
TEST(a_walk_asks_for_at_most_the_documented_number_of_pages) {
  anth_pager_t p = {0};
  char id[32];
  int followed = 0, rc = 0;
  while (followed < 2 * ANTHROPIC_WALK_MAX_PAGES) {
    snprintf(id, sizeof id, "cursor-%d", followed);
    if ((rc = anth__pager_follow(&p, id)) != 0)
      break;
    followed++;
  }
  CHECK_EQ_INT(rc, ANTH_PAGER_LIMIT);
  CHECK_EQ_INT(followed + 1, ANTHROPIC_WALK_MAX_PAGES);
  CHECK(p.cap * sizeof *p.slots <= 256 * 1024);
  CHECK_EQ_INT(anth__pager_follow(&p, "yet-another"), ANTH_PAGER_LIMIT);
  anth__pager_free(&p);
}

int main(void) {
  return RUN(T(the_next_cursor_is_last_id_forward_and_first_id_backward),
             T(there_is_no_next_cursor_without_more_items_or_a_cursor),
             T(a_page_has_its_own_cursor_even_when_it_is_the_last),
             T(a_new_walk_has_seen_nothing),
             T(a_cursor_followed_before_is_seen_again),
             T(every_cursor_of_a_long_walk_is_remembered),
             T(a_walk_asks_for_at_most_the_documented_number_of_pages));
}
