/* parse_cost.c - what the parser costs, for callgrind: parse one body
 * (a retrieve body, or a page with "page") N times. Not built by meson:
 *
 *   cc -O2 -DNDEBUG -Isrc -Iinclude test/fuzz/parse_cost.c src/parse.c \
 *     src/json.c src/model.c src/alloc.c src/buf.c src/rfc3339.c \
 *     src/error.c $(pkg-config --cflags --libs libcjson) -lm -o cost
 *   valgrind --tool=callgrind ./cost BODY 10000 [page]
 *
 * Instructions per body: (the run's total - the run's with N = 0) / N. */
#include "../../src/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  static char body[1 << 20];
  char err[ANTH_ERRMSG_MAX];
  if (argc < 3)
    return 2;
  FILE *f = fopen(argv[1], "rb");
  if (f == NULL)
    return 2;
  size_t len = fread(body, 1, sizeof body, f);
  fclose(f);
  long n = atol(argv[2]);
  bool page = argc > 3 && strcmp(argv[3], "page") == 0;
  for (long i = 0; i < n; i++) {
    char *arena = NULL;
    int rc;
    if (page) {
      anthropic_models_page_t p;
      void *items = NULL;
      rc = anth__parse_page(body, len, &arena, &p, &items, err, sizeof err);
      anth__free(items);
    } else {
      anth_model_t m;
      rc = anth__parse_model(body, len, &arena, &m, err, sizeof err);
    }
    if (rc != 0) {
      fprintf(stderr, "%s\n", err);
      return 1;
    }
    anth__free(arena);
  }
  return 0;
}
