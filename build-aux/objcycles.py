#!/usr/bin/env python3
"""Print the cycles between object files, read with nm.

Usage: objcycles.py OBJ...   An edge A -> B means A uses a symbol that B
defines.  Prints one line per strongly connected component of more than one
object (each a cycle), naming the objects and one symbol per edge, and
exits 1 when there is any; exits 0 when the objects form a DAG.
"""
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


def main(objs):
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
    # Tarjan's strongly connected components.
    index, low, stack, on, sccs = {}, {}, [], set(), []
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
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
    for v in objs:
        if v not in index:
            visit(v)
    for comp in sccs:
        parts = []
        for a in comp:
            for b in comp:
                if b in edges[a]:
                    parts.append("%s -> %s (%s)" % (a, b, edges[a][b]))
        print("cycle: " + "; ".join(parts))
    return 1 if sccs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
