/*
 * lines.h - stdin as lines, read as it arrives (lines.c). The reader
 * knows nothing of what the lines are for: it hands each to a callback,
 * and says when there are no more.
 */
#ifndef ANTHROPIC_CLI_LINES_H
#define ANTHROPIC_CLI_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include <uv.h>

/* Longest line taken whole (the library refuses longer ids anyway); a
 * longer one is handed on as its first MAX_LINE bytes, marked too long,
 * and reading goes on. */
#define MAX_LINE 1024

/* One line: CR LF taken as LF, surrounding blanks trimmed, blank lines
 * skipped (a line too long always counts). `text` is valid until the
 * callback returns. Return false to stop reading: no line follows, and
 * the end callback runs. */
typedef bool (*cli_line_cb)(void *data, const char *text, size_t len,
                            bool too_long);
/* Reading failed; `what` says so ("reading stdin: ..."), valid until the
 * callback returns. The unfinished last line, if any, and the end
 * follow. */
typedef void (*cli_lines_error_cb)(void *data, const char *what);
/* No line will come any more (end of input, a failure, or a stop); the
 * reader is closed by then. Runs once, unless cli_lines_close() came
 * first. */
typedef void (*cli_lines_end_cb)(void *data);

typedef struct cli_lines {
  cli_line_cb on_line;
  cli_lines_error_cb on_error;
  cli_lines_end_cb on_end;
  void *data;
  union {
    uv_handle_t handle;
    uv_stream_t stream;
    uv_pipe_t pipe;
    uv_tty_t tty;
  } in;
  uv_idle_t resume;          /* feeds what was left, then reads on */
  bool open;                 /* `in` is open on the loop */
  bool resume_open;          /* `resume` is open on the loop */
  bool from_file;            /* stdin is read with read(2), not the loop */
  bool paused;               /* cli_lines_pause(): no line until resumed */
  size_t rest_off, rest_len; /* of rbuf: read, not yet split (paused) */
  char part[MAX_LINE + 1];   /* the line being read */
  size_t part_len;
  bool part_long; /* the line being read is past MAX_LINE */
  char rbuf[64 * 1024];
} cli_lines_t;

/* Read stdin into lines: a pipe, socket or terminal through `loop`, as
 * it arrives; a file (or /dev/null, a directory) at once, before this
 * returns, as read(2) never waits on it. The callbacks and `data` are set
 * in *r first. */
void cli_lines_open_stdin(cli_lines_t *r, uv_loop_t *loop);
/* From inside the line callback: no line after this one until
 * cli_lines_resume(). What was read past it is kept (at most rbuf), and
 * stdin is not read meanwhile, so a writer on a pipe waits. */
void cli_lines_pause(cli_lines_t *r);
/* Go on reading: from the loop, never from inside this call (it may be
 * called from any callback). */
void cli_lines_resume(cli_lines_t *r);
/* Stop reading (when it is open); no callback runs after. */
void cli_lines_close(cli_lines_t *r);

#endif /* ANTHROPIC_CLI_LINES_H */
