#!/usr/bin/env python3
"""server_layers.py LIBRESOLVE-SERVER.a - resolve-server's files call only
files below them.

From the symbols of its archive (nm: every file but main.c, which nothing
calls), who calls whom, held to these floors, top first (server.h says
what each file does), the way test/cli_layers.py holds the CLI:
  routes                     the routes: dispatch, /resolve, /metrics
  models  lifecycle          /models: one walk shared, its answer kept;
                             /lifecycle: aliases' lifecycles now
  caching  health  upstream  a cached answer's headers; /healthz and
                             /readyz; a library call's failure answered
  conn                       a connection: parsing, answering, closing;
                             what is above it (routing, the server's end)
                             it reaches through the hooks main.c gives it
  metrics  waitlist          the counters and /metrics' text; requests
                             waiting for one shared upstream call
  watch                      the aliases served and the library's watch:
                             the lifecycle state /metrics reads
  log
  args  buf
A call goes to a lower floor only, so there is no cycle, and the
connection calls no handler; none calls main.c (a srv_ name the archive
uses and does not define). A file on no floor is an error too: place it
here. Exits 1 with one line per call that breaks this."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_layers import check  # noqa: E402

FLOORS = [["routes"], ["models", "lifecycle"],
          ["caching", "health", "upstream"], ["conn"], ["metrics", "waitlist"],
          ["watch"], ["log"], ["args", "buf"]]

if __name__ == "__main__":
    # The archive's objects are resolve-server_FILE.c.o (examples/meson.build).
    sys.exit(check(sys.argv[1], FLOORS, "resolve-server",
                   prefix="resolve-server_", own="srv_"))
