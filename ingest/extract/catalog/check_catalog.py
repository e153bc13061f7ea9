#!/usr/bin/env python3
"""Validate the entity catalog: format, duplicates, and alias collisions.

Key used for collisions: the graph's own key, kg.keys.normalize_name.
Run: python3 check_catalog.py  (exit code 1 if problems were found)
"""
import os, sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ["organizations.tsv", "libraries.tsv", "architectures.tsv", "datasets.tsv", "people.tsv"]

def key(s):
    # kg.keys.normalize_name: "+" and "#" spelled out, everything else but letters and digits dropped
    sys.path.insert(0, os.path.join(HERE, "..", "..", ".."))
    from kg.keys import normalize_name
    return normalize_name(s)

def main():
    problems = []
    owners = defaultdict(set)   # key -> {(file, name)}
    counts = {}
    for fn in FILES:
        path = os.path.join(HERE, fn)
        raw = open(path, "rb").read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append(f"{fn}: not UTF-8 ({e})"); continue
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines = lines[:-1]
        if not lines or lines[0] != "name\taliases":
            problems.append(f"{fn}: bad header {lines[:1]!r}")
        n = 0
        for i, line in enumerate(lines[1:], start=2):
            cols = line.split("\t")
            if len(cols) != 2:
                problems.append(f"{fn}:{i}: expected 2 columns, got {len(cols)}: {line!r}"); continue
            name, aliases = cols
            if not name.strip() or name != name.strip():
                problems.append(f"{fn}:{i}: empty/padded name {name!r}")
            forms = [name] + [a for a in aliases.split("|") if a != ""]
            for a in forms:
                if a != a.strip() or not key(a):
                    problems.append(f"{fn}:{i}: bad surface form {a!r}")
            for k in {key(a) for a in forms if key(a)}:
                owners[k].add((fn, name))
            n += 1
        counts[fn] = n
    for k, own in sorted(owners.items()):
        if len(own) > 1:
            problems.append(f"collision on key {k!r}: " + "; ".join(f"{f}:{n}" for f, n in sorted(own)))
    gpath = os.path.join(HERE, "generic_terms.txt")
    gterms = [l for l in open(gpath, encoding="utf-8").read().split("\n") if l]
    seen = set()
    for t in gterms:
        if t != t.lower() or t != t.strip():
            problems.append(f"generic_terms.txt: not lowercase/stripped: {t!r}")
        if t in seen:
            problems.append(f"generic_terms.txt: duplicate {t!r}")
        seen.add(t)
        k = key(t)
        if k in owners:
            problems.append(f"generic term {t!r} collides with entity " + "; ".join(f"{f}:{n}" for f, n in sorted(owners[k])))
    counts["generic_terms.txt"] = len(gterms)
    for fn, n in counts.items():
        print(f"{fn}\t{n}")
    print(f"problems: {len(problems)}")
    for p in problems:
        print("  " + p)
    return 1 if problems else 0

if __name__ == "__main__":
    sys.exit(main())
