#!/usr/bin/env python3
"""Print the cycles between core's files: by symbol or by include.

Usage: objcycles.py OBJ...          An edge A -> B means object A uses a
                                    symbol that object B defines (read
                                    with nm).
       objcycles.py --includes DIR  An edge A -> B means file A includes
                                    header B; also checks the folders of
                                    DIR the same way (a file of folder A
                                    includes a header of folder B).
Prints one line per strongly connected component of more than one node
(each a cycle), naming one reason per edge, and exits 1 when there is any;
exits 0 when the graph is a DAG.
"""
import os
import re
import subprocess
import sys


def symbols(obj):
    out = subprocess.run(["nm", "--defined-only", "-g", obj],
                         capture_output=True, text=True, check=True).stdout
    defined = {l.split()[-1] for l in out.splitlines() if len(l.split()) >= 3}
    out = subprocess.run(["nm", "-u", obj],
                         capture_output=True, text=True, check=True).stdout
    used = {l.split()[-1] for l in out.splitlines() if l.split()}
    return defined, used


def cycles(nodes, edges):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, sccs = {}, {}, [], set(), []
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
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
                sccs.append(sorted(comp))
    for v in nodes:
        if v not in index:
            visit(v)
    return sccs


def report(sccs, edges):
    for comp in sccs:
        parts = []
        for a in comp:
            for b in comp:
                if b in edges.get(a, {}):
                    parts.append("%s -> %s (%s)" % (a, b, edges[a][b]))
        print("cycle: " + "; ".join(parts))
    return 1 if sccs else 0


def objects(objs):
    defs, uses = {}, {}
    for o in objs:
        defs[o], uses[o] = symbols(o)
    owner = {}
    for o, ds in defs.items():
        for s in ds:
            owner.setdefault(s, o)
    edges = {o: {} for o in objs}
    for o, us in uses.items():
        for s in sorted(us):
            t = owner.get(s)
            if t and t != o:
                edges[o].setdefault(t, s)
    return report(cycles(objs, edges), edges)


def includes(top):
    mods, folders = {}, {}
    for root, _, files in os.walk(top):
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.join(root, f)
            rel = os.path.relpath(path, top)
            mod = rel
            folder = rel.split(os.sep)[0]
            mods.setdefault(mod, {})
            folders.setdefault(folder, {})
            with open(path, encoding="utf-8", errors="replace") as fp:
                text = fp.read()
            for m in re.finditer(r'^#\s*include\s+"([^"]+)\.h"', text, re.M):
                dep = m.group(1)
                if not os.path.exists(os.path.join(top, dep + ".h")):
                    continue
                if dep + ".h" != mod:
                    mods[mod].setdefault(dep + ".h", "includes")
                dfolder = dep.split("/")[0]
                if dfolder != folder:
                    folders[folder].setdefault(
                        dfolder, "%s includes %s.h" % (rel, dep))
    rc = report(cycles(sorted(mods), mods), mods)
    return report(cycles(sorted(folders), folders), folders) or rc


def main(argv):
    if argv[:1] == ["--includes"] and len(argv) == 2:
        return includes(argv[1])
    return objects(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
