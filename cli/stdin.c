/*
 * stdin.c - `get -` and `resolve -`: stdin read as it arrives (through the
 * loop for a pipe, socket or terminal; at once for a file), split into
 * lines, each line one input.
 */
#define _XOPEN_SOURCE 700 /* strdup, isatty, wcwidth: see cli.h */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "anthropic.h"
#include "cli.h"

void cli_close_stdin(struct stream *st) {
  if (!st->in_open)
    return;
  st->in_open = false;
  uv_close(&st->in.handle, NULL);
}

static bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

/* A whole line of stdin: CR LF taken as LF, surrounding blanks trimmed,
 * blank lines skipped. */
static bool line_end(app_t *app) {
  struct stream *st = &app->st;
  const char *p = st->part;
  size_t n = st->part_len;
  bool too_long = st->part_long, ok = true;
  st->part_len = 0;
  st->part_long = false;
  if (!too_long && n > 0 && p[n - 1] == '\r')
    n--;
  while (n > 0 && is_blank(*p)) {
    p++;
    n--;
  }
  while (n > 0 && is_blank(p[n - 1]))
    n--;
  if (n > 0 || too_long)
    ok = cli_add_input(app, p, n, too_long);
  return ok;
}

/* Split what stdin gave into lines; false when the run must stop. */
static bool feed(app_t *app, const char *buf, size_t n) {
  struct stream *st = &app->st;
  while (n > 0 && !st->finishing) {
    const char *nl = memchr(buf, '\n', n);
    size_t take = nl != NULL ? (size_t)(nl - buf) : n;
    size_t room = MAX_LINE - st->part_len;
    memcpy(st->part + st->part_len, buf, take < room ? take : room);
    st->part_len += take < room ? take : room;
    if (take > room)
      st->part_long = true;
    if (nl == NULL)
      break;
    if (!line_end(app))
      return false;
    buf = nl + 1;
    n -= take + 1;
  }
  return true;
}

static void stdin_done(app_t *app) {
  struct stream *st = &app->st;
  if (st->part_len > 0 || st->part_long)
    (void)line_end(app); /* the last line had no newline */
  cli_close_stdin(st);
  cli_input_end(app);
}

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf) {
  app_t *app = h->data;
  (void)size;
  *buf = uv_buf_init(app->st.rbuf, sizeof app->st.rbuf);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  app_t *app = s->data;
  struct stream *st = &app->st;
  if (n == 0)
    return; /* EAGAIN */
  if (n > 0) {
    if (!feed(app, buf->base, (size_t)n)) { /* out of memory: stop here */
      cli_close_stdin(st);
      cli_input_end(app);
    }
    return;
  }
  if (n != UV_EOF) {
    cli_progress_clear(st);
    fprintf(stderr, PROG ": reading stdin: %s\n", uv_strerror((int)n));
    st->read_failed = true;
  }
  stdin_done(app);
}

/* Does read(2) never wait on stdin? True for a file or a character
 * device other than a terminal (libuv's UV_FILE), a block device, and a
 * directory (where it fails at once with EISDIR, said as for any read). */
static bool reads_at_once(uv_handle_type type) {
  struct stat sb;
  if (type == UV_FILE)
    return true;
  return type == UV_UNKNOWN_HANDLE && fstat(STDIN_FILENO, &sb) == 0 &&
         (S_ISDIR(sb.st_mode) || S_ISBLK(sb.st_mode));
}

/* Read stdin as it arrives: a pipe or socket, or a terminal, through the
 * loop; a file (or /dev/null) at once, as read(2) never waits on it. */
void cli_open_stdin(app_t *app) {
  struct stream *st = &app->st;
  uv_handle_type type = uv_guess_handle(STDIN_FILENO);
  int rc;
  if (reads_at_once(type)) {
    ssize_t n;
    while ((n = read(STDIN_FILENO, st->rbuf, sizeof st->rbuf)) > 0 ||
           (n < 0 && errno == EINTR))
      if (n > 0 && !feed(app, st->rbuf, (size_t)n))
        break;
    if (n < 0) {
      fprintf(stderr, PROG ": reading stdin: %s\n", strerror(errno));
      st->read_failed = true;
    }
    stdin_done(app);
    return;
  }
  if (type == UV_TTY)
    rc = uv_tty_init(&app->loop, &st->in.tty, STDIN_FILENO, 1);
  else if (type == UV_NAMED_PIPE || type == UV_TCP) {
    rc = uv_pipe_init(&app->loop, &st->in.pipe, 0);
    if (rc == 0 && (rc = uv_pipe_open(&st->in.pipe, STDIN_FILENO)) != 0)
      uv_close(&st->in.handle, NULL);
  } else
    rc = UV_EINVAL;
  if (rc == 0) {
    st->in_open = true;
    st->in.handle.data = app;
    rc = uv_read_start(&st->in.stream, on_alloc, on_read);
  }
  if (rc != 0) {
    fprintf(stderr, PROG ": cannot read stdin: %s\n", uv_strerror(rc));
    st->read_failed = true;
    cli_close_stdin(st);
    cli_input_end(app);
  }
}
