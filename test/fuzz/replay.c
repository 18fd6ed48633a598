/* replay.c - run a libFuzzer target over saved inputs, without libFuzzer.
 *
 *   replay_<target> PATH...
 *
 * Each PATH is a file or a directory (read recursively, in name order;
 * names starting with '.' are skipped). Every file is passed once to the
 * target's LLVMFuzzerTestOneInput(), in an exactly-sized heap block made by
 * the target itself. A bug aborts the process (sanitizer report or failed
 * invariant); otherwise it prints "N passed, 0 failed" and exits 0. It exits
 * 1 when a path cannot be read or no input was found at all. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long passed;
static int verbose;

static int read_file(const char *path, uint8_t **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return -1;
  uint8_t *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 4096;
      uint8_t *p = realloc(buf, ncap);
      if (p == NULL) {
        free(buf);
        fclose(f);
        return -1;
      }
      buf = p;
      cap = ncap;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    return -1;
  }
  *out = buf;
  *len = n;
  return 0;
}

static int run_file(const char *path) {
  uint8_t *data;
  size_t len;
  if (read_file(path, &data, &len) != 0) {
    fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
    return -1;
  }
  if (verbose)
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
  /* Copy into an exact-size block as libFuzzer does: the target copies
   * again, but a target that reads `data` directly is checked too. */
  uint8_t *exact = malloc(len ? len : 1);
  if (exact == NULL) {
    free(data);
    return -1;
  }
  if (len > 0)
    memcpy(exact, data, len);
  free(data);
  (void)LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  passed++;
  return 0;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  if (!S_ISDIR(st.st_mode))
    return run_file(path);

  DIR *d = opendir(path);
  if (d == NULL) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  char **names = NULL;
  size_t count = 0, cap = 0;
  int rc = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    if (count == cap) {
      size_t ncap = cap ? cap * 2 : 64;
      char **p = realloc(names, ncap * sizeof *p);
      if (p == NULL) {
        rc = -1;
        break;
      }
      names = p;
      cap = ncap;
    }
    size_t n = strlen(path) + strlen(e->d_name) + 2;
    if ((names[count] = malloc(n)) == NULL) {
      rc = -1;
      break;
    }
    snprintf(names[count], n, "%s/%s", path, e->d_name);
    count++;
  }
  closedir(d);
  if (count > 0)
    qsort(names, count, sizeof *names, cmp_names);
  for (size_t i = 0; i < count; i++) {
    if (rc == 0 && run_path(names[i]) != 0)
      rc = -1;
    free(names[i]);
  }
  free(names);
  return rc;
}

int main(int argc, char **argv) {
  int first = 1;
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    verbose = 1;
    first = 2;
  }
  if (first >= argc) {
    fprintf(stderr, "usage: %s [-v] FILE_OR_DIR...\n", argv[0]);
    return 2;
  }
  for (int i = first; i < argc; i++) {
    if (run_path(argv[i]) != 0) {
      printf("%lu passed, 1 failed (unreadable input)\n", passed);
      return 1;
    }
  }
  if (passed == 0) {
    printf("0 passed, 0 failed (no inputs found)\n");
    return 1;
  }
  printf("%lu passed, 0 failed\n", passed);
  return 0;
}
