/* options.c - reading the caller's option structs, which start with their
 * size: a program built against an older header passes a shorter struct,
 * and one built against a newer header a longer one. Pure. */
#include "internal.h"

#include <string.h>

int anth__opts_take(void *dst, size_t dst_size, const void *src,
                    const char *what, char *err, size_t errlen) {
  size_t size;
  memset(dst, 0, dst_size);
  memcpy(&size, src, sizeof size);
  if (size < sizeof size) {
    anth__errf(err, errlen, "%s: size is not set (start from its _INIT macro)",
               what);
    return ANTHROPIC_EINVAL;
  }
  if (size > dst_size) {
    /* A newer header's struct: what this library does not know must be
     * left at its default, or the caller asked for what it cannot do. */
    const unsigned char *tail = (const unsigned char *)src + dst_size;
    for (size_t i = 0; i < size - dst_size; i++) {
      if (tail[i] != 0) {
        anth__errf(err, errlen,
                   "%s: sets fields this library (%s) does not know", what,
                   ANTHROPIC_VERSION_STRING);
        return ANTHROPIC_EINVAL;
      }
    }
    size = dst_size;
  }
  memcpy(dst, src, size);
  return 0;
}

int anth__opts_give(void *dst, const void *src, size_t src_size) {
  size_t size;
  unsigned char *d = dst;
  memcpy(&size, dst, sizeof size);
  if (size < sizeof size)
    return ANTHROPIC_EINVAL;
  if (size <= src_size) {
    memcpy(d + sizeof size, (const unsigned char *)src + sizeof size,
           size - sizeof size);
    return 0;
  }
  /* A newer header's struct: what this library does not fill is 0. */
  memcpy(d + sizeof size, (const unsigned char *)src + sizeof size,
         src_size - sizeof size);
  memset(d + src_size, 0, size - src_size);
  return 0;
}
