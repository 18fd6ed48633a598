#!/usr/bin/env python3
"""cli_layers.py LIBCLI.a - the CLI's files call only files below them.

From the symbols of the CLI's archive (nm: every file but main.c, which
nothing calls), who calls whom, held to these floors, top first
(cli/cli.h says what each file does):
  run.c               the table of commands
  list.c  stream.c  audit.c  watch.c
                      the commands
  app.c               the core: the loop, the client, --beta, closing
  args.c  output.c  lines.c
A call goes to a lower floor only, so there is no cycle, no command calls
the core's caller or another command, and the core and the line reader
call no command. A file on no floor is an error too: place it here.
Exits 1 with one line per call that breaks this. check() does the same
for another program's archive and floors (test/server_layers.py)."""
import collections
import subprocess
import sys

FLOORS = [["run"], ["list", "stream", "audit", "watch"], ["app"],
          ["args", "output", "lines"]]


def members(archive, prefix=""):
    """The archive's files (x for PREFIXx.c.o) with what each defines and
    uses."""
    out = subprocess.run(["nm", "-A", archive], capture_output=True,
                         text=True, check=True).stdout
    defs, refs = {}, collections.defaultdict(set)
    for line in out.splitlines():
        where, _, rest = line.rpartition(":")
        name = where.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
        if not name.startswith(prefix) or not name.endswith(".c.o"):
            continue
        f = name[len(prefix):-4]
        p = rest.split()
        refs[f]  # every member is a file, even one that uses nothing
        if len(p) == 3 and p[1] in "TDBR":
            defs[p[2]] = f
        elif len(p) == 2 and p[0] == "U":
            refs[f].add(p[1])
    return defs, refs


def check(archive, floors, what, prefix="", own=None):
    """Hold the files of `archive` to `floors` (top first): the exit
    status, with one line per call that breaks them. A name starting with
    `own` that the archive uses and does not define is a call up to
    main.c (which is not in it): an error too."""
    defs, refs = members(archive, prefix)
    floor = {f: i for i, names in enumerate(floors) for f in names}
    calls = collections.defaultdict(set)
    for f, syms in refs.items():
        for s in syms:
            g = defs.get(s)
            if g is not None and g != f:
                calls[(f, g)].add(s)
    errors = [f"{f}.c is on no floor: place it in {sys.argv[0]}"
              for f in sorted(refs) if f not in floor]
    for (f, g), syms in sorted(calls.items()):
        if f in floor and g in floor and floor[g] <= floor[f]:
            errors.append(f"{f}.c calls {g}.c, not below it: "
                          + ", ".join(sorted(syms)))
    if own is not None:
        for f, syms in sorted(refs.items()):
            up = sorted(s for s in syms if s.startswith(own) and s not in defs)
            if up:
                errors.append(f"{f}.c calls main.c: " + ", ".join(up))
    missing = sorted(f for f in floor if f not in refs)
    if missing:
        errors.append("not in the archive: "
                      + " ".join(f + ".c" for f in missing))
    for e in errors:
        print(e)
    if not errors:
        print(f"{what} layers: every call goes down; "
              + " > ".join("/".join(names) for names in floors))
    return 1 if errors else 0


def main():
    return check(sys.argv[1], FLOORS, "cli")


if __name__ == "__main__":
    sys.exit(main())
