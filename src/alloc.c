/* alloc.c - the library's allocator, in one place so it can be replaced. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static anthropic_malloc_func alloc_malloc = malloc;
static anthropic_realloc_func alloc_realloc = realloc;
static anthropic_calloc_func alloc_calloc = calloc;
static anthropic_free_func alloc_free = free;

/* Failed allocations so far: tells a cJSON parse that failed for want of
 * memory from one that met a malformed body. */
_Thread_local unsigned long anth__alloc_failures;
/* Clients alive: the allocator may only change while there are none. */
atomic_ulong anth__clients_alive;
/* Whose allocation is under way: the allocation-failure test uses it to
 * tell libcurl's from the library's and cJSON's. */
_Thread_local int anth__alloc_source = ANTH_ALLOC_LIBRARY;

_Thread_local int anth__in_alloc;

static void *counted(void *p) {
  anth__in_alloc--;
  if (p == NULL)
    anth__alloc_failures++;
  return p;
}

/* Each marks the allocator function as running while it runs (counted()
 * unmarks): the library may be halfway through a change, inside libcurl or
 * cJSON, so a call back into it from there is refused. */
void *anth__malloc(size_t size) {
  anth__in_alloc++;
  return counted(alloc_malloc(size ? size : 1));
}

void *anth__calloc(size_t count, size_t size) {
  anth__in_alloc++;
  return counted(alloc_calloc(count ? count : 1, size ? size : 1));
}

void *anth__realloc(void *ptr, size_t size) {
  anth__in_alloc++;
  return counted(alloc_realloc(ptr, size ? size : 1));
}

void anth__free(void *ptr) {
  anth__in_alloc++;
  alloc_free(ptr);
  anth__in_alloc--;
}

char *anth__strndup(const char *s, size_t n) {
  char *p = anth__malloc(n + 1);
  if (p == NULL)
    return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *anth__strdup(const char *s) {
  return anth__strndup(s, strlen(s));
}

void anth__alloc_set(anthropic_malloc_func m, anthropic_realloc_func r,
                     anthropic_calloc_func c, anthropic_free_func f) {
  alloc_malloc = m;
  alloc_realloc = r;
  alloc_calloc = c;
  alloc_free = f;
}
