/*
 * run.c - one run: the core set up (app.c), the command of the options
 * found in the table and started, the loop run until everything has
 * called back and the client has closed, the results reported, and the
 * core closed. The only file that knows every command.
 */
#define _XOPEN_SOURCE 700 /* strdup, isatty, wcwidth: see cli.h */

#include <stdio.h>

#include <uv.h>

#include "cli.h"

/* Every command, by the options' command_t. */
static const cli_command_t *const commands[] = {
    [CMD_LIST] = &cli_list_command,       [CMD_GET] = &cli_get_command,
    [CMD_RESOLVE] = &cli_resolve_command, [CMD_AUDIT] = &cli_audit_command,
    [CMD_WATCH] = &cli_watch_command,
};

int cli_run(const options_t *o) {
  const cli_command_t *cmd = commands[o->command];
  app_t app;
  int rc = cli_app_open(&app, o);
  if (rc != PROCEED)
    return rc;
  cmd->start(&app);
  uv_run(&app.loop, UV_RUN_DEFAULT);
  if (app.client != NULL)
    (void)fputs(PROG ": the loop stopped before the client closed\n", stderr);
  rc = cmd->report(&app);
  cmd->free(&app);
  cli_app_close(&app);
  return rc;
}
