/* failmalloc.c - an LD_PRELOAD shim for the CLI's tests: from the Nth
 * allocation libcurl makes ($FAILMALLOC_CURL_AFTER=N, counting from 1) on,
 * every malloc, calloc and realloc that libcurl calls fails, as when the
 * process runs out of address space (ulimit -v) in the middle of a
 * transfer. Other callers are never failed. Built only without sanitizers:
 * ASan must be the first library of a process, and has its own malloc. */
#define _GNU_SOURCE
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* glibc's allocator, under the names it exports for such shims. */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);

static uintptr_t curl_lo, curl_hi; /* libcurl's loaded code */
static unsigned long curl_calls, fail_after;

static int find_curl(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  (void)data;
  if (info->dlpi_name == NULL || strstr(info->dlpi_name, "libcurl") == NULL)
    return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
      continue;
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    if (curl_lo == 0 || lo < curl_lo)
      curl_lo = lo;
    if (lo + ph->p_memsz > curl_hi)
      curl_hi = lo + ph->p_memsz;
  }
  return 1;
}

__attribute__((constructor)) static void setup(void) {
  const char *n = getenv("FAILMALLOC_CURL_AFTER");
  fail_after = n != NULL ? strtoul(n, NULL, 10) : 0;
  dl_iterate_phdr(find_curl, NULL);
}

/* Whether the allocation asked for from `caller` fails. */
static int fails(void *caller) {
  uintptr_t a = (uintptr_t)caller;
  if (fail_after == 0 || a < curl_lo || a >= curl_hi)
    return 0;
  return ++curl_calls >= fail_after;
}

void *malloc(size_t n) {
  if (fails(__builtin_return_address(0))) {
    errno = ENOMEM;
    return NULL;
  }
  return __libc_malloc(n);
}

void *calloc(size_t n, size_t m) {
  if (fails(__builtin_return_address(0))) {
    errno = ENOMEM;
    return NULL;
  }
  return __libc_calloc(n, m);
}

void *realloc(void *p, size_t n) {
  if (fails(__builtin_return_address(0))) {
    errno = ENOMEM;
    return NULL;
  }
  return __libc_realloc(p, n);
}
