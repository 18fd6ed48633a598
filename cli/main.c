/*
 * anthropic-models - list and look up Anthropic models from the shell.
 *
 *   anthropic-models [OPTION]... COMMAND [ARG]...   (options anywhere)
 *     list [--limit N] [--after-id ID | --before-id ID] [--lifecycle S]...
 *     list --all [--page-size N] [--after-id ID | --before-id ID]
 *                [--lifecycle S]...
 *     get ID_OR_ALIAS... | get -
 *     resolve ALIAS... | resolve -
 *
 * A small, complete user of the library: one uv loop, one client. `list`
 * prints its page once the loop is done; `list --all` walks every page with
 * the library's auto-pagination and prints each as it arrives (a table:
 * all at once at the end, so that its columns line up). `get` and
 * `resolve` take their inputs from the arguments or, with `-`, from stdin
 * as it arrives (paused while a window of inputs waits to be written),
 * hand each to the library as it comes (its queue keeps --concurrency in
 * flight; the resolver makes one request per distinct alias), and write one
 * line per input in input order, each as soon as it and every earlier one are
 * known. The client is closed once everything has called back, so the loop ends
 * by itself and must then close cleanly.
 *
 * Exit status: 0 when every request succeeded, 1 when any failed (or the
 * client could not be set up from the environment, or stdout could not be
 * written: closed, full), 2 on a usage error (a bad option, or no
 * credential at all), 130 when interrupted (SIGINT or SIGTERM).
 */
#define _XOPEN_SOURCE 700 /* strdup, isatty, wcwidth: see cli.h */

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anthropic.h"
#include "cli.h"

/* A standard descriptor closed at start (`>&-`) is the lowest free
 * number: the loop's epoll fd or signal pipe, or a socket, would take it,
 * and output meant for the user would go there, and libuv aborts when it
 * closes a descriptor under 3. So each one closed gets /dev/null, opened
 * for the other direction: the number is taken, and using it fails with
 * EBADF as the closed descriptor did. A closed stdout is then "error
 * writing to stdout: Bad file descriptor" and exit 1, as cat says it (the
 * answers are lost: that is no success); a closed stdin is a read error
 * for `-` only. False when /dev/null cannot be opened. */
static bool reserve_std_fds(void) {
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
    int got;
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
      continue;
    /* The lowest free number: `fd`, as those below it are open. */
    got = open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
    if (got == -1)
      return false;
    if (got != fd) {
      int ok = dup2(got, fd) == fd;
      close(got);
      if (!ok)
        return false;
    }
  }
  return true;
}

int main(int argc, char **argv) {
  options_t o;
  int rc;
  if (!reserve_std_fds()) {
    (void)fprintf(stderr, PROG ": cannot open /dev/null: %s\n",
                  strerror(errno));
    return EXIT_FAILED;
  }
  rc = cli_parse_args(argc, argv, &o);
  if (rc == EXIT_OK && !cli_finish_stdout()) /* --help, --version */
    rc = EXIT_FAILED;
  if (rc == PROCEED) {
    /* stdio's buffers, allocated now: out of memory, the error line that
     * says so is still written, in one write(2). */
    static char out_buf[BUFSIZ], err_buf[BUFSIZ];
    /* A failure line is one write(2), not one per piece: a run can have
     * hundreds of thousands. The progress line flushes itself. Should
     * setvbuf fail, stdio's own buffering stays: slower, not wrong. */
    (void)setvbuf(stderr, err_buf, _IOLBF, sizeof err_buf);
    (void)setvbuf(stdout, out_buf, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF,
                  sizeof out_buf);
    /* Display widths follow the user's locale; numbers stay in "C". An
     * unknown locale leaves "C": widths are then counted in bytes. */
    (void)setlocale(LC_ALL, "");
    (void)setlocale(LC_NUMERIC, "C");
    if (o.format == FMT_AUTO)
      o.format = isatty(STDOUT_FILENO) ? FMT_TABLE : FMT_JSON;
    rc = cli_run(&o);
  }
  free(o.ids);
  free(o.betas);
  free(o.lifecycles);
  return rc;
}
