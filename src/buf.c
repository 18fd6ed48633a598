/* buf.c - a growable byte buffer, small formatting helpers, a string
 * hash. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

int anth__buf_reserve(anth_buf_t *b, size_t extra) {
  if (extra > SIZE_MAX - b->len - 1)
    return ANTHROPIC_ENOMEM;
  size_t need = b->len + extra + 1; /* room for the terminating NUL */
  if (need <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  char *p = anth__realloc(b->data, cap);
  if (p == NULL)
    return ANTHROPIC_ENOMEM;
  b->data = p;
  b->cap = cap;
  return 0;
}

int anth__buf_append(anth_buf_t *b, const void *p, size_t n) {
  if (anth__buf_reserve(b, n) != 0)
    return ANTHROPIC_ENOMEM;
  if (n > 0)
    memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

int anth__buf_appends(anth_buf_t *b, const char *s) {
  return anth__buf_append(b, s, strlen(s));
}

int anth__buf_appendf(anth_buf_t *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return ANTHROPIC_EINVAL;
  if (anth__buf_reserve(b, (size_t)n) != 0)
    return ANTHROPIC_ENOMEM;
  va_start(ap, fmt);
  (void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return 0;
}

void anth__buf_free(anth_buf_t *b) {
  anth__free(b->data);
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
}

void anth__errf(char *buf, size_t len, const char *fmt, ...) {
  if (buf == NULL || len == 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  (void)vsnprintf(buf, len, fmt, ap);
  va_end(ap);
}

uint64_t anth__str_hash(const char *s) {
  uint64_t h = 14695981039346656037u; /* FNV-1a, 64 bits */
  for (; *s != '\0'; s++) {
    h ^= (unsigned char)*s;
    h *= 1099511628211u;
  }
  return h;
}
