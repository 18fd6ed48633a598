/* header_c11.c - a user's file that includes anthropic.h alone, compiled
 * as strict ISO C11 with no feature-test macro (test/header.sh). */
#include <anthropic.h>

int main(void) {
  return anthropic_version() == NULL;
}
