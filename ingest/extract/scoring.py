"""Scoring of extracted entities and relations against gold annotations.

Vendored from ``../shared/eval/score.py`` (the project's evaluation script, same
rules: names match after case folding and dropping everything but letters and
digits, against the gold name and its aliases; optional entities/relations count
neither way). Kept logically identical so ``kg eval`` prints the same numbers;
``tests/test_extract_scoring.py`` checks agreement when ../shared is present.
"""
from __future__ import annotations


import json
import sys
import unicodedata
from collections import Counter, defaultdict


def norm(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def read_jsonl(path: str) -> dict[str, dict]:
    docs: dict[str, dict] = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if not line:
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                sys.exit(f"{path}:{number}: not JSON: {exc}")
            if "id" not in doc:
                sys.exit(f"{path}:{number}: no 'id'")
            docs[str(doc["id"])] = doc
    return docs


class GoldDoc:
    def __init__(self, doc: dict):
        self.entities = [self._keys(e) for e in doc.get("entities", [])]
        self.optional = [self._keys(e) for e in doc.get("optional_entities", [])]
        self.by_name: dict[str, set[str]] = {}
        for ent in doc.get("entities", []) + doc.get("optional_entities", []):
            keys = self._keys(ent)[1]
            for key in keys:
                self.by_name.setdefault(key, set()).update(keys)
        self.relations = [self._rel(r) for r in doc.get("relations", [])]
        self.optional_relations = [self._rel(r) for r in doc.get("optional_relations", [])]

    def _rel(self, r: dict) -> tuple[str, set[str], set[str], dict]:
        return r["type"], self.alias_set(r["head"]), self.alias_set(r["tail"]), r

    @staticmethod
    def _keys(ent: dict) -> tuple[str, set[str]]:
        names = [ent["name"], *ent.get("aliases", [])]
        return ent["type"], {norm(n) for n in names if norm(n)}

    def alias_set(self, name: str) -> set[str]:
        key = norm(name)
        return self.by_name.get(key, {key})


def score(gold: dict[str, dict], pred: dict[str, dict], errors: int):
    ent = defaultdict(Counter)  # type -> tp/fp/fn
    rel = defaultdict(Counter)
    shown: list[str] = []
    for doc_id, gdoc in gold.items():
        g = GoldDoc(gdoc)
        p = pred.get(doc_id, {})
        seen = set()
        predicted = []
        for e in p.get("entities", []):
            key = (e.get("type"), norm(str(e.get("name", ""))))
            if key[1] and key not in seen:
                seen.add(key)
                predicted.append(key)
        matched = [False] * len(g.entities)
        for etype, name in predicted:
            hit = next((i for i, (t, names) in enumerate(g.entities)
                        if not matched[i] and t == etype and name in names), None)
            if hit is not None:
                matched[hit] = True
                ent[etype]["tp"] += 1
            elif any(t == etype and name in names for t, names in g.optional):
                continue
            elif any(t == etype and name in names for t, names in g.entities):
                continue  # a second surface form of an entity already matched
            else:
                ent[etype]["fp"] += 1
                if len(shown) < errors:
                    shown.append(f"{doc_id}: extra entity {etype} {name}")
        for i, ok in enumerate(matched):
            if not ok:
                etype, names = g.entities[i]
                ent[etype]["fn"] += 1
                if len(shown) < errors:
                    shown.append(f"{doc_id}: missed entity {etype} {sorted(names)[0]}")

        seen_rel = set()
        rmatched = [False] * len(g.relations)
        for r in p.get("relations", []):
            key = (r.get("type"), norm(str(r.get("head", ""))), norm(str(r.get("tail", ""))))
            if key in seen_rel:
                continue
            seen_rel.add(key)
            rtype, head, tail = key
            hit = next((i for i, (t, hs, ts, _) in enumerate(g.relations)
                        if not rmatched[i] and t == rtype and head in hs and tail in ts), None)
            if hit is not None:
                rmatched[hit] = True
                rel[rtype]["tp"] += 1
            elif any(t == rtype and head in hs and tail in ts
                     for t, hs, ts, _ in g.relations + g.optional_relations):
                continue
            else:
                rel[rtype]["fp"] += 1
                if len(shown) < errors:
                    shown.append(f"{doc_id}: extra relation {head} {rtype} {tail}")
        for i, ok in enumerate(rmatched):
            if not ok:
                rtype, _, _, raw = g.relations[i]
                rel[rtype]["fn"] += 1
                if len(shown) < errors:
                    shown.append(f"{doc_id}: missed relation {raw['head']} {rtype} {raw['tail']}")
    missing = sorted(set(gold) - set(pred))
    return ent, rel, shown, missing


def prf(c: Counter) -> tuple[float, float, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def table(name: str, counts: dict[str, Counter], by_type: bool) -> Counter:
    total = Counter()
    for c in counts.values():
        total.update(c)
    if by_type:
        for t in sorted(counts):
            p, r, f = prf(counts[t])
            c = counts[t]
            print(f"  {name:9} {t:14} P={p:.3f} R={r:.3f} F1={f:.3f}  "
                  f"(tp={c['tp']} fp={c['fp']} fn={c['fn']})")
    return total


def summary(ent, rel) -> str:
    e, r = Counter(), Counter()
    for c in ent.values():
        e.update(c)
    for c in rel.values():
        r.update(c)
    ep, er, ef = prf(e)
    rp, rr, rf = prf(r)
    return (f"entities P={ep:.3f} R={er:.3f} F1={ef:.3f} | relations P={rp:.3f} R={rr:.3f} F1={rf:.3f}")
