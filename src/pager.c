/* pager.c - the rules of a walk through the pages of a list, with no
 * loop or network in them: which cursor leads on from a page, whether a
 * page comes back to a cursor the walk already followed (a server going
 * round in a circle), and how many pages a walk may ask for. */
#include "internal.h"

#include <string.h>

/* The cursors followed are kept as 64-bit hashes (FNV-1a) in an
 * open-addressed table at most half full: 8 to 16 bytes a page, whatever
 * the cursors' length, and 256 KB at ANTHROPIC_WALK_MAX_PAGES. Two
 * cursors with one hash would end a walk early, as a bad response: by
 * chance, about 10^-11 for the longest walk; on purpose, only a server
 * that could as well send garbage. */
static uint64_t cursor_hash(const char *s) {
  uint64_t h = anth__str_hash(s);
  return h != 0 ? h : 1; /* 0 marks an empty slot */
}

const char *anth__pager_next(const anthropic_models_page_t *page,
                             bool backward) {
  const char *cursor = backward ? page->first_id : page->last_id;
  if (!page->has_more || page->count == 0 || cursor == NULL)
    return NULL;
  return cursor;
}

const char *anth__pager_cursor(const anthropic_models_page_t *page,
                               bool backward) {
  return page->count == 0 ? NULL : backward ? page->first_id : page->last_id;
}

bool anth__pager_seen(const anth_pager_t *p, const char *cursor) {
  if (p->cap == 0 || cursor == NULL)
    return false;
  uint64_t h = cursor_hash(cursor);
  for (size_t i = (size_t)h & (p->cap - 1); p->slots[i] != 0;
       i = (i + 1) & (p->cap - 1))
    if (p->slots[i] == h)
      return true;
  return false;
}

static void put(uint64_t *slots, size_t cap, uint64_t h) {
  size_t i = (size_t)h & (cap - 1);
  while (slots[i] != 0 && slots[i] != h)
    i = (i + 1) & (cap - 1);
  slots[i] = h;
}

int anth__pager_follow(anth_pager_t *p, const char *cursor) {
  if (p->pages >= ANTHROPIC_WALK_MAX_PAGES - 1)
    return ANTH_PAGER_LIMIT; /* the first page asked for none */
  if (2 * (p->used + 1) > p->cap) {
    size_t cap = p->cap ? 2 * p->cap : 16;
    uint64_t *slots = anth__calloc(cap, sizeof *slots);
    if (slots == NULL)
      return ANTHROPIC_ENOMEM;
    for (size_t i = 0; i < p->cap; i++)
      if (p->slots[i] != 0)
        put(slots, cap, p->slots[i]);
    anth__free(p->slots);
    p->slots = slots;
    p->cap = cap;
  }
  put(p->slots, p->cap, cursor_hash(cursor));
  p->used++;
  p->pages++;
  return 0;
}

void anth__pager_free(anth_pager_t *p) {
  anth__free(p->slots);
  memset(p, 0, sizeof *p);
}
