/* alloc.c - the library's allocator, in one place so it can be replaced. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void *anth__malloc(size_t size) {
  return malloc(size ? size : 1);
}

void *anth__calloc(size_t count, size_t size) {
  return calloc(count ? count : 1, size ? size : 1);
}

void *anth__realloc(void *ptr, size_t size) {
  return realloc(ptr, size ? size : 1);
}

void anth__free(void *ptr) {
  free(ptr);
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
