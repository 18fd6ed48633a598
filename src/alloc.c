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
unsigned long anth__alloc_failures;
/* Clients alive: the allocator may only change while there are none. */
unsigned long anth__clients_alive;

static void *counted(void *p) {
  if (p == NULL)
    anth__alloc_failures++;
  return p;
}

void *anth__malloc(size_t size) {
  return counted(alloc_malloc(size ? size : 1));
}

void *anth__calloc(size_t count, size_t size) {
  return counted(alloc_calloc(count ? count : 1, size ? size : 1));
}

void *anth__realloc(void *ptr, size_t size) {
  return counted(alloc_realloc(ptr, size ? size : 1));
}

void anth__free(void *ptr) {
  alloc_free(ptr);
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

/* libcurl's hooks take size_t and have a strdup; cJSON's take malloc/free. */
static void *hook_malloc(size_t n) {
  return anth__malloc(n);
}
static void hook_free(void *p) {
  anth__free(p);
}
static void *hook_realloc(void *p, size_t n) {
  return anth__realloc(p, n);
}
static void *hook_calloc(size_t n, size_t m) {
  return anth__calloc(n, m);
}
static char *hook_strdup(const char *s) {
  return anth__strdup(s);
}

int anthropic_replace_allocator(anthropic_malloc_func m,
                                anthropic_realloc_func r,
                                anthropic_calloc_func c,
                                anthropic_free_func f) {
  if (m == NULL || r == NULL || c == NULL || f == NULL ||
      anth__clients_alive != 0)
    return ANTHROPIC_EINVAL;
  alloc_malloc = m;
  alloc_realloc = r;
  alloc_calloc = c;
  alloc_free = f;
  cJSON_Hooks hooks = {hook_malloc, hook_free};
  cJSON_InitHooks(&hooks);
  /* This initialisation is kept for the life of the process: curl's memory
   * functions can only be chosen by its first global init. */
  if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, hook_malloc, hook_free,
                           hook_realloc, hook_strdup, hook_calloc) != CURLE_OK)
    return ANTHROPIC_EINVAL;
  return 0;
}
