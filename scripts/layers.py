#!/usr/bin/env python3
"""layers.py LIBANTHROPIC.a - check the layering of src/ from the symbols
of the built library (nm): who calls whom, and who calls libuv or libcurl.

The rules (src/client.h says why):
  - the call graph between files has no cycle;
  - the transport files call only files below them, in the order
    engine < request < models < resolver < client, and the core;
  - the core (every other file) calls no transport file, no libuv and no
    libcurl: it is pure, unit-tested and fuzzed on its own;
  - engine.c is the only file that calls libuv;
  - a core file includes neither client.h nor libuv's or libcurl's header.
Exits 1 with one line per broken rule."""
import collections
import os
import re
import subprocess
import sys

TRANSPORT = ["engine", "request", "models", "resolver", "client"]


def members(archive):
    out = subprocess.run(["nm", "-A", archive], capture_output=True,
                         text=True, check=True).stdout
    defs, refs = {}, collections.defaultdict(set)
    for line in out.splitlines():
        where, _, rest = line.rpartition(":")
        name = where.rsplit(":", 1)[-1]
        if not name.startswith("src_") or not name.endswith(".c.o"):
            continue
        f = name[4:-4]
        p = rest.split()
        if len(p) == 3 and p[1] in "TDBR":
            defs[p[2]] = f
        elif len(p) == 2 and p[0] == "U":
            refs[f].add(p[1])
    return defs, refs


def cycles(graph):
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def main():
    defs, refs = members(sys.argv[1])
    files = set(defs.values()) | set(refs)
    graph = collections.defaultdict(set)
    calls = collections.defaultdict(set)  # (from, to) -> symbols
    for f, syms in refs.items():
        for s in syms:
            g = defs.get(s)
            if g is not None and g != f:
                graph[f].add(g)
                calls[(f, g)].add(s)
    errors = []
    for comp in cycles(graph):
        errors.append("cycle: " + " <-> ".join(comp))
    rank = {f: i for i, f in enumerate(TRANSPORT)}
    for (f, g), syms in sorted(calls.items()):
        why = ", ".join(sorted(syms))
        if f in rank and g in rank and rank[g] >= rank[f]:
            errors.append(f"{f}.c calls up into {g}.c: {why}")
        if f not in rank and g in rank:
            errors.append(f"core {f}.c calls transport {g}.c: {why}")
    for f in sorted(files):
        uv = sorted(s for s in refs[f] if s.startswith("uv_"))
        curl = sorted(s for s in refs[f] if s.startswith("curl_"))
        if uv and f != "engine":
            errors.append(f"{f}.c calls libuv: {', '.join(uv)}")
        if curl and f not in rank:
            errors.append(f"core {f}.c calls libcurl: {', '.join(curl)}")
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
    bad = re.compile(r'#\s*include\s*[<"](client\.h|uv\.h|curl/)')
    for f in sorted(files):
        path = os.path.join(src, f + ".c")
        if f not in rank and os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    if bad.search(line):
                        errors.append(f"core {f}.c:{n} includes "
                                      f"{line.strip()[9:]}")
    for e in errors:
        print(e)
    if not errors:
        core = sorted(f for f in files if f not in rank)
        print("layers: no cycle; engine < request < models < resolver < "
              "client; core (" + " ".join(core) + ") pure; libuv in engine.c only")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
