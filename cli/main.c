/*
 * anthropic-models - list and look up Anthropic models from the shell.
 *
 *   anthropic-models [--base-url URL] [--api-key KEY] [--json | --table]
 *                    [--verbose] [--beta NAME]... [--workspace ID] COMMAND
 *     list [--limit N] [--after-id ID | --before-id ID] [--lifecycle S]...
 *     list --all [--page-size N] [--after-id ID | --before-id ID]
 *                [--lifecycle S]...
 *     get ID_OR_ALIAS... | get -
 *     resolve ALIAS... | resolve -
 *
 * A small, complete user of the library: one uv loop, one client. `list`
 * prints its page once the loop is done; `list --all` walks every page with
 * the library's auto-pagination and prints each as it arrives. `get` and
 * `resolve` take their inputs from the arguments or, with `-`, from stdin
 * as it arrives, hand every one to the library at once (its queue keeps
 * --concurrency in flight; the resolver makes one request per distinct
 * alias), and write one line per input in input order, each as soon as it
 * and every earlier one are known. The client is closed once everything
 * has called back, so the loop ends by itself and must then close cleanly.
 *
 * Exit status: 0 when every request succeeded, 1 when any failed (or the
 * client could not be set up from the environment), 2 on a usage error,
 * 130 when interrupted (SIGINT or SIGTERM).
 */
#define _XOPEN_SOURCE 700 /* strdup, isatty, wcwidth: see cli.h */

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "anthropic.h"
#include "cli.h"

int main(int argc, char **argv) {
  options_t o;
  int rc = cli_parse_args(argc, argv, &o);
  if (rc == PROCEED) {
    /* A failure line is one write(2), not one per piece: a run can have
     * hundreds of thousands. The progress line flushes itself. */
    setvbuf(stderr, NULL, _IOLBF, 0);
    /* Display widths follow the user's locale; numbers stay in "C". */
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    if (o.format == FMT_AUTO)
      o.format = isatty(STDOUT_FILENO) ? FMT_TABLE : FMT_JSON;
    rc = cli_run(&o);
  }
  free(o.ids);
  free(o.betas);
  free(o.lifecycles);
  return rc;
}
