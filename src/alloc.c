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

/* libcurl's hooks take size_t and have a strdup; cJSON's take malloc/free.
 * Each marks whose allocation is under way while it runs: tag() sets the
 * source and returns the one to put back. */
static int tag(int source) {
  int outer = anth__alloc_source;
  anth__alloc_source = source;
  return outer;
}

static void *curl_malloc(size_t n) {
  int outer = tag(ANTH_ALLOC_CURL);
  void *p = anth__malloc(n);
  anth__alloc_source = outer;
  return p;
}
static void *curl_calloc(size_t n, size_t m) {
  int outer = tag(ANTH_ALLOC_CURL);
  void *p = anth__calloc(n, m);
  anth__alloc_source = outer;
  return p;
}
static void *curl_realloc(void *p, size_t n) {
  int outer = tag(ANTH_ALLOC_CURL);
  void *q = anth__realloc(p, n);
  anth__alloc_source = outer;
  return q;
}
static char *curl_strdup(const char *s) {
  int outer = tag(ANTH_ALLOC_CURL);
  char *p = anth__strdup(s);
  anth__alloc_source = outer;
  return p;
}
static void *cjson_malloc(size_t n) {
  int outer = tag(ANTH_ALLOC_CJSON);
  void *p = anth__malloc(n);
  anth__alloc_source = outer;
  return p;
}
static void hook_free(void *p) {
  anth__free(p);
}

int anthropic_replace_allocator(anthropic_malloc_func m,
                                anthropic_realloc_func r,
                                anthropic_calloc_func c,
                                anthropic_free_func f) {
  if (m == NULL || r == NULL || c == NULL || f == NULL ||
      anth__clients_alive != 0 || anth__in_alloc)
    return ANTHROPIC_EINVAL;
  alloc_malloc = m;
  alloc_realloc = r;
  alloc_calloc = c;
  alloc_free = f;
  cJSON_Hooks hooks = {cjson_malloc, hook_free};
  cJSON_InitHooks(&hooks);
  /* This initialisation is kept for the life of the process: curl's memory
   * functions can only be chosen by its first global init. */
  if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, curl_malloc, hook_free,
                           curl_realloc, curl_strdup, curl_calloc) != CURLE_OK)
    return ANTHROPIC_EINVAL;
  return 0;
}
