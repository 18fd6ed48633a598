/*
 * lines.c - stdin read as it arrives (through the loop for a pipe, socket
 * or terminal; at once for a file), split into lines, each handed to a
 * callback. It knows nothing of what the lines are for.
 */
#define _XOPEN_SOURCE 700 /* strdup, isatty, wcwidth: see cli.h */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uv.h>

#include "lines.h"

/* Stop reading: no callback runs after. */
static void lines_stop(cli_lines_t *r) {
  r->on_line = NULL;
  if (r->resume_open) {
    r->resume_open = false;
    uv_close((uv_handle_t *)&r->resume, NULL);
  }
  if (!r->open)
    return;
  r->open = false;
  uv_close(&r->in.handle, NULL);
}

void cli_lines_close(cli_lines_t *r) {
  lines_stop(r);
  r->on_end = NULL;
  r->on_error = NULL;
}

static bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

/* A whole line: CR LF taken as LF, surrounding blanks trimmed, blank
 * lines skipped. False when the callback said stop (or closed us). */
static bool line_end(cli_lines_t *r) {
  const char *p = r->part;
  size_t n = r->part_len;
  bool too_long = r->part_long;
  r->part_len = 0;
  r->part_long = false;
  if (!too_long && n > 0 && p[n - 1] == '\r')
    n--;
  while (n > 0 && is_blank(*p)) {
    p++;
    n--;
  }
  while (n > 0 && is_blank(p[n - 1]))
    n--;
  if (n == 0 && !too_long)
    return true;
  return r->on_line != NULL && r->on_line(r->data, p, n, too_long);
}

/* Split what was read (in rbuf) into lines; false when reading must
 * stop. A pause keeps the rest, unsplit, for the resume. */
static bool feed(cli_lines_t *r, const char *buf, size_t n) {
  while (n > 0) {
    const char *nl = memchr(buf, '\n', n);
    size_t take = nl != NULL ? (size_t)(nl - buf) : n;
    size_t room = MAX_LINE - r->part_len;
    memcpy(r->part + r->part_len, buf, take < room ? take : room);
    r->part_len += take < room ? take : room;
    if (take > room)
      r->part_long = true;
    if (nl == NULL)
      break;
    if (!line_end(r))
      return false;
    buf = nl + 1;
    n -= take + 1;
    if (r->paused) {
      r->rest_off = (size_t)(buf - r->rbuf);
      r->rest_len = n;
      return true;
    }
  }
  return true;
}

/* The end: the last line (when it had no newline, and reading was not
 * stopped), then the end callback, once. */
static void lines_done(cli_lines_t *r, bool flush) {
  cli_lines_end_cb on_end;
  if (flush && (r->part_len > 0 || r->part_long))
    (void)line_end(r);
  on_end = r->on_end;
  lines_stop(r);
  r->on_end = NULL;
  if (on_end != NULL)
    on_end(r->data);
}

static void lines_failed(cli_lines_t *r, const char *how, const char *why) {
  char what[256];
  (void)snprintf(what, sizeof what, "%s stdin: %s", how, why);
  if (r->on_error != NULL)
    r->on_error(r->data, what);
}

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf) {
  cli_lines_t *r = h->data;
  (void)size;
  *buf = uv_buf_init(r->rbuf, sizeof r->rbuf);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  cli_lines_t *r = s->data;
  if (n == 0)
    return; /* EAGAIN */
  if (n > 0) {
    if (!feed(r, buf->base, (size_t)n))
      lines_done(r, false);
    else if (r->paused && r->open)
      (void)uv_read_stop(s);
    return;
  }
  if (n != UV_EOF)
    lines_failed(r, "reading", uv_strerror((int)n));
  lines_done(r, true);
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

/* A file (or /dev/null) at once, as read(2) never waits on it: up to
 * the end, or a pause. */
static void read_at_once(cli_lines_t *r) {
  ssize_t n;
  while ((n = read(STDIN_FILENO, r->rbuf, sizeof r->rbuf)) > 0 ||
         (n < 0 && errno == EINTR))
    if (n > 0 && !feed(r, r->rbuf, (size_t)n)) {
      lines_done(r, false);
      return;
    } else if (r->paused)
      return;
  if (n < 0)
    lines_failed(r, "reading", strerror(errno));
  lines_done(r, true);
}

void cli_lines_pause(cli_lines_t *r) {
  r->paused = true;
}

/* Resumed: the lines left in rbuf, then stdin again, unless a line
 * paused (or closed) us once more. */
static void on_resume(uv_idle_t *h) {
  cli_lines_t *r = h->data;
  size_t len = r->rest_len;
  uv_idle_stop(h);
  r->rest_len = 0;
  if (len > 0 && !feed(r, r->rbuf + r->rest_off, len)) {
    lines_done(r, false);
    return;
  }
  if (r->paused || r->on_line == NULL)
    return;
  if (r->from_file)
    read_at_once(r);
  else if (r->open) {
    int rc = uv_read_start(&r->in.stream, on_alloc, on_read);
    if (rc != 0) {
      lines_failed(r, "reading", uv_strerror(rc));
      lines_done(r, false);
    }
  }
}

void cli_lines_resume(cli_lines_t *r) {
  if (!r->paused)
    return;
  r->paused = false;
  if (r->resume_open)
    (void)uv_idle_start(&r->resume, on_resume);
}

void cli_lines_open_stdin(cli_lines_t *r, uv_loop_t *loop) {
  uv_handle_type type = uv_guess_handle(STDIN_FILENO);
  int rc;
  r->open = false;
  r->part_len = 0;
  r->part_long = false;
  r->paused = false;
  r->rest_len = 0;
  r->from_file = reads_at_once(type);
  r->resume_open = uv_idle_init(loop, &r->resume) == 0;
  r->resume.data = r;
  if (r->from_file) {
    read_at_once(r);
    return;
  }
  if (type == UV_TTY)
    rc = uv_tty_init(loop, &r->in.tty, STDIN_FILENO, 1);
  else if (type == UV_NAMED_PIPE || type == UV_TCP) {
    rc = uv_pipe_init(loop, &r->in.pipe, 0);
    if (rc == 0 && (rc = uv_pipe_open(&r->in.pipe, STDIN_FILENO)) != 0)
      uv_close(&r->in.handle, NULL);
  } else
    rc = UV_EINVAL;
  if (rc == 0) {
    r->open = true;
    r->in.handle.data = r;
    rc = uv_read_start(&r->in.stream, on_alloc, on_read);
  }
  if (rc != 0) {
    lines_failed(r, "cannot read", uv_strerror(rc));
    lines_done(r, false);
  }
}
