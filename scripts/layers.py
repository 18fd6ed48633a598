#!/usr/bin/env python3
"""layers.py - check the layering of the library from the symbols of its
built objects (nm). The programs' floors are test/cli_layers.py's.

  layers.py LIBANTHROPIC.a
      The library's src/ files, told apart by convention, not by a list:
        - a transport file is one that includes client.h; every other file
          is the core;
        - an endpoint file is one that defines an anth_endpoint_t (its
          table for the request machine);
        - a transport file's rank is the length of the longest chain of
          transport files below it in the call graph (0: it calls none).
      The rules (src/client.h says why):
        - the call graph between files has no cycle (so each transport
          file calls only files of lower rank);
        - the core calls no transport file, no libuv and no libcurl, and
          includes neither libuv's nor libcurl's header: it is pure,
          unit-tested and fuzzed on its own;
        - one file calls libuv (the engine), and it calls no other
          transport file;
        - no endpoint calls another, and no file an endpoint calls (the
          request machine and what it stands on) calls an endpoint: the
          machine reaches endpoints only through their tables.

Exits 1 with one line per broken rule."""
import collections
import os
import re
import subprocess
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
INCLUDES_CLIENT = re.compile(r'^\s*#\s*include\s*"client\.h"', re.M)
DEFINES_ENDPOINT = re.compile(r"\banth_endpoint_t\s+\w+\s*=")
FORBIDDEN_IN_CORE = re.compile(r'#\s*include\s*[<"](uv\.h|curl/)')


def members(paths, name_of):
    """Symbols defined and referenced by each object of `paths` (objects or
    archives), keyed by name_of(object file name) (None: skipped)."""
    out = subprocess.run(["nm", "-A", *paths], capture_output=True,
                         text=True, check=True).stdout
    defs, refs = {}, collections.defaultdict(set)
    for line in out.splitlines():
        where, _, rest = line.rpartition(":")
        f = name_of(os.path.basename(where.rsplit(":", 1)[-1]))
        if f is None:
            continue
        p = rest.split()
        if len(p) == 3 and p[1] in "TDBR":
            defs[p[2]] = f
            refs[f]  # every file is a node, even one that calls nothing
        elif len(p) == 2 and p[0] == "U":
            refs[f].add(p[1])
    return defs, refs


def call_graph(defs, refs):
    graph = collections.defaultdict(set)
    calls = collections.defaultdict(set)  # (from, to) -> symbols
    for f, syms in refs.items():
        graph[f]  # a node even when it calls no other file
        for s in syms:
            g = defs.get(s)
            if g is not None and g != f:
                graph[f].add(g)
                calls[(f, g)].add(s)
    return graph, calls


def cycles(graph):
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
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

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def source(f):
    path = os.path.join(SRC, f + ".c")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def ranks(graph, transport):
    """Each transport file's rank: its longest chain of transport callees
    (the graph has no cycle when this is called)."""
    rank = {}

    def of(f):
        if f not in rank:
            below = [of(g) for g in graph[f] if g in transport]
            rank[f] = 1 + max(below) if below else 0
        return rank[f]

    for f in transport:
        of(f)
    return rank


def below(graph, start, within):
    """Files of `within` reachable from `start` (not start itself)."""
    seen, todo = set(), [g for g in graph[start] if g in within]
    while todo:
        g = todo.pop()
        if g not in seen:
            seen.add(g)
            todo.extend(h for h in graph[g] if h in within)
    return seen


def check_library(archive):
    def lib_name(m):
        ok = m.startswith("src_") and m.endswith(".c.o")
        return m[4:-4] if ok else None

    defs, refs = members([archive], lib_name)
    graph, calls = call_graph(defs, refs)
    files = sorted(graph)
    text = {f: source(f) or "" for f in files}
    transport = {f for f in files if INCLUDES_CLIENT.search(text[f])}
    endpoints = {f for f in transport if DEFINES_ENDPOINT.search(text[f])}
    errors = []
    if not transport or not endpoints:
        errors.append("no transport file (one that includes client.h) or no "
                      "endpoint (one that defines an anth_endpoint_t) found: "
                      "the conventions no longer match the sources")
    found = cycles(graph)
    for comp in found:
        errors.append("cycle: " + " <-> ".join(comp))
    for (f, g), syms in sorted(calls.items()):
        why = ", ".join(sorted(syms))
        if f not in transport and g in transport:
            errors.append(f"core {f}.c calls transport {g}.c: {why}")
        if f in endpoints and g in endpoints:
            errors.append(f"endpoint {f}.c calls endpoint {g}.c: {why}")
    # What the endpoints stand on must not know them.
    under = set()
    for e in endpoints:
        under |= below(graph, e, transport - endpoints)
    for (f, g), syms in sorted(calls.items()):
        if f in under and g in endpoints:
            errors.append(f"{f}.c, which endpoints call, calls endpoint "
                          f"{g}.c: {', '.join(sorted(syms))}")
    uv_users = []
    for f in files:
        uv = sorted(s for s in refs[f] if s.startswith("uv_"))
        curl = sorted(s for s in refs[f] if s.startswith("curl_"))
        if uv:
            uv_users.append(f)
            if f not in transport:
                errors.append(f"core {f}.c calls libuv: {', '.join(uv)}")
            elif any(g in transport for g in graph[f]):
                errors.append(f"{f}.c calls libuv and transport files "
                              "above the engine: " + ", ".join(uv))
        if curl and f not in transport:
            errors.append(f"core {f}.c calls libcurl: {', '.join(curl)}")
    if len(uv_users) > 1:
        errors.append("more than one file calls libuv: "
                      + ", ".join(f + ".c" for f in sorted(uv_users)))
    for f in files:
        if f in transport:
            continue
        for n, line in enumerate(text[f].splitlines(), 1):
            if FORBIDDEN_IN_CORE.search(line):
                errors.append(f"core {f}.c:{n} includes {line.strip()[9:]}")
    for e in errors:
        print(e)
    if not errors:
        rank = ranks(graph, transport)
        order = sorted(transport, key=lambda f: (rank[f], f))
        shown = [f"{f}{'*' if f in endpoints else ''}({rank[f]})"
                 for f in order]
        print("layers: no cycle; transport by rank: " + " < ".join(shown)
              + " (*: endpoint); core (" + " ".join(sorted(set(files)
                                                        - transport))
              + ") pure; libuv in " + ", ".join(f + ".c" for f in uv_users)
              + " only")
    return 1 if errors else 0


def main(argv):
    if len(argv) == 2:
        return check_library(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
