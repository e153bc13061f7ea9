"""Curation: people correcting the graph, with an audit trail, above the extractor.

A curation is a record (``(:Curation)`` node, see ``kg.store.curation``) with who,
when, why and the state it overrode, keyed to stable ids: an entity by label and
key, a relation (a *fact*) by type, head and tail. Actions:

- ``reject`` a fact or an entity: it stays, marked ``rejected``, and queries leave it
  out unless ``include_rejected``; its support still grows when sources repeat it;
- ``assert`` a fact, with a reference: it holds with no source at all;
- ``merge`` an entity into another: relations, aliases and mentions move, the key
  redirects; a new mention of either name ends up on the survivor;
- ``split`` an alias off into its own entity; ``rename`` (the canonical name; the key
  stays); ``retype`` (the label, from the schema's allowlist).

Curation outranks the extractor: ``apply_all`` runs after every load (``kg ingest``,
``kg weekly``, ``POST /ingest``). ``undo`` marks a record undone and takes its effect
back. Nothing is deleted: undone records stay in the log.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from kg import curation_ops as ops
from kg.errors import CurationError, NameNotResolved
from kg.keys import entity_key, normalize_name
from kg.schema import Label, allows, label as check_label, rel_type as check_rel_type
from kg.store import curation as st

ACTIONS = ("reject", "assert", "merge", "split", "rename", "retype")


def now() -> str:
    # microseconds: two curations in one second must still apply in their order
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Fact:
    """A relation's stable id: type, head (label, key), tail (label, key)."""
    type: str
    head_label: str
    head_key: str
    tail_label: str
    tail_key: str

    @property
    def id(self) -> str:
        # "|" never occurs in a key (normalized names, arxiv:…, title:…)
        return "|".join((self.type, self.head_label, self.head_key, self.tail_label,
                         self.tail_key))

    @classmethod
    def parse(cls, fact_id: str) -> "Fact":
        parts = fact_id.split("|")
        if len(parts) != 5 or not all(parts):
            raise CurationError(f"{fact_id!r} is not a fact id (TYPE|HeadLabel|head_key|"
                                "TailLabel|tail_key)")
        fact = cls(*parts)
        check_rel_type(fact.type), check_label(fact.head_label), check_label(fact.tail_label)
        return fact

    def params(self) -> dict:
        return {"hk": self.head_key, "tk": self.tail_key}


def fact_of(record: dict) -> Fact:
    return Fact(record["rel_type"], record["head_label"], record["head_key"],
                record["tail_label"], record["tail_key"])


# -- applying -------------------------------------------------------------------------------
def _redirects(records: list[dict]):
    """(label, key) → where merges and retypes sent it, following chains."""
    moves = {}
    for c in records:
        if c["action"] == "merge":
            moves[(c["label"], c["key"])] = (c["other_label"], c["other_key"])
        elif c["action"] == "retype":
            moves[(c["label"], c["key"])] = (c["value"], c["key"])

    def redirect(lab: str, key: str) -> tuple[str, str]:
        seen = set()
        while (lab, key) in moves and (lab, key) not in seen:
            seen.add((lab, key))
            lab, key = moves[(lab, key)]
        return lab, key
    return redirect


def apply_one(store, c: dict, redirect) -> dict | None:
    """Bring the graph in line with one active curation; returns what a first
    application overrode that undo needs (a fold's snapshot), else None."""
    action, marks = c["action"], ops.marks(c)
    if c["target"] == "relation":
        hl, hk = redirect(c["head_label"], c["head_key"])
        tl, tk = redirect(c["tail_label"], c["tail_key"])
        params = {"hk": hk, "tk": tk}
        if action == "reject":
            store.write(st.mark_fact(c["rel_type"], hl, tl),
                        {**params, "fields": {**marks, "rejected": True, "asserted": None}})
        else:
            store.write(st.assert_fact(c["rel_type"], hl, tl), {**params, "at": c["at"], "fields": {
                **marks, "asserted": True, "rejected": None,
                "reference": c.get("reference") or None}})
        return None
    if action == "reject":
        lab, key = redirect(c["label"], c["key"])
        store.write(st.set_entity(lab), {"key": key, "fields": {**marks, "rejected": True}})
    elif action == "merge":
        return ops.fold(store, (c["label"], c["key"]), redirect(c["other_label"], c["other_key"]))
    elif action == "retype":
        old, new = (c["label"], c["key"]), (c["value"], c["key"])
        if ops.read_entity(store, *new) is not None:
            return ops.fold(store, old, new)
        if ops.read_entity(store, *old) is not None:
            store.write(st.relabel(*old[:1], new[0]), {"key": c["key"], "new": new[0]})
    elif action == "rename":
        lab, key = redirect(c["label"], c["key"])
        found = ops.read_entity(store, lab, key)
        if found is not None:
            props = found["props"]
            aliases = list(props.get("aliases") or [])
            if props.get("name") != c["value"]:
                aliases.append(props.get("name") or "")
            ops.set_aliases(store, lab, key, c["value"],
                            [a for a in aliases if normalize_name(a) != normalize_name(c["value"])])
            store.write(st.add_alias(lab), {"key": key, "norm": normalize_name(c["value"])})
    elif action == "split":
        return ops.split(store, c, redirect)
    return None


def apply_all(store) -> int:
    """Apply every active curation again (after a load); returns how many there are."""
    records = [r["c"] for r in store.read(st.ACTIVE)]
    redirect = _redirects(records)
    for c in records:
        apply_one(store, c, redirect)
    return len(records)


# -- the curator ----------------------------------------------------------------------------
class Curator:
    """Makes, lists and undoes curations on one store. ``author``: a user name or the
    name of the API key that asked."""

    def __init__(self, store):
        self.store = store

    # names ------------------------------------------------------------------------------
    def candidates(self, name: str) -> list[dict]:
        lab, _, rest = name.partition(":")
        wanted = next((str(x) for x in Label if x.lower() == lab.strip().lower()), None)
        text = rest.strip() if wanted and rest.strip() else name
        rows = self.store.run_query("resolve", {"name": text, "include_rejected": True})
        return [r for r in rows if wanted is None or r["label"] == wanted or text == name]

    def entity(self, name: str) -> dict:
        """The one entity ``name`` (or ``Label:name``) means, through aliases."""
        if not normalize_name(name or ""):
            raise NameNotResolved(f"{name!r} is not a name")
        rows = self.candidates(name)
        if len(rows) == 1:
            return rows[0]
        raise _unresolved(name, rows)

    def fact(self, head: str, rtype: str, tail: str, *, existing: bool) -> Fact:
        """The fact ``head -[rtype]-> tail``; with ``existing``, one the graph holds
        (which also picks among same-named entities)."""
        rtype = str(check_rel_type(rtype.upper()))
        heads, tails = self.candidates(head), self.candidates(tail)
        for name, rows in ((head, heads), (tail, tails)):
            if not rows:
                raise _unresolved(name, rows)
        pairs = [Fact(rtype, h["label"], h["key"], t["label"], t["key"])
                 for h in heads for t in tails
                 if allows(check_rel_type(rtype), check_label(h["label"]), check_label(t["label"]))]
        if existing:
            pairs = [p for p in pairs if self._fact_props(p) is not None]
        if len(pairs) == 1:
            return pairs[0]
        if not pairs:
            shown = "; ".join(f"{p['name']} ({p['label']})" for p in heads + tails)
            what = "holds no" if existing else "allows no"
            raise NameNotResolved(f"the graph {what} {rtype} from {head!r} to {tail!r} "
                                  f"(they name: {shown})", heads + tails)
        raise NameNotResolved(f"{head!r} {rtype} {tail!r} could mean several facts; name "
                              "the entities as Label:name", heads + tails)

    def _fact_props(self, fact: Fact) -> dict | None:
        return ops.read_fact(self.store, fact.type, fact.head_label, fact.head_key,
                             fact.tail_label, fact.tail_key)

    # actions ----------------------------------------------------------------------------
    def _record(self, action: str, author: str, reason: str | None, fields: dict,
                before: dict) -> dict:
        if not (author or "").strip():
            raise CurationError("a curation needs an author (a user or API-key name)")
        record = {"id": uuid.uuid4().hex[:12], "action": action, "author": author.strip(),
                  "at": now(), "reason": (reason or "").strip(), "status": "active",
                  "before": json.dumps(before, ensure_ascii=False, default=str), **fields}
        record = {k: v for k, v in record.items() if v is not None}
        with self.store.ingest_lock():   # never between an ingest's load and its re-apply
            records = [r["c"] for r in self.store.read(st.ACTIVE)] + [record]
            snapshot = apply_one(self.store, record, _redirects(records))
            if snapshot is not None:   # what undo needs, beside the state it overrode
                part = "split" if action == "split" else "fold"
                record["before"] = ops.encode({**before, part: snapshot})
            self.store.write(st.CREATE, {"props": record})
        return record

    def _fact_fields(self, fact: Fact) -> dict:
        rows = self.store.read(st.fact(fact.type, fact.head_label, fact.tail_label), fact.params())
        names = rows[0] if rows else {}
        if not rows:   # an assertion of a fact no source gave: names from the entities
            for side, lab, key in (("head", fact.head_label, fact.head_key),
                                   ("tail", fact.tail_label, fact.tail_key)):
                found = ops.read_entity(self.store, lab, key)
                names[f"{side}_name"] = found["props"].get("name") if found else key
        return {"target": "relation", "rel_type": fact.type, "head_label": fact.head_label,
                "head_key": fact.head_key, "tail_label": fact.tail_label,
                "tail_key": fact.tail_key, "head_name": names.get("head_name"),
                "tail_name": names.get("tail_name"), "fact": fact.id}

    def _fact_state(self, fact: Fact) -> dict:
        props = self._fact_props(fact)
        if props is None:
            return {"exists": False}
        return {"exists": True, "support": props.get("support"),
                "rejected": bool(props.get("rejected")), "asserted": bool(props.get("asserted"))}

    def reject_fact(self, head: str, rtype: str, tail: str, *, reason: str, author: str) -> dict:
        fact = self.fact(head, rtype, tail, existing=True)
        return self.reject(fact, reason=reason, author=author)

    def reject(self, fact: Fact, *, reason: str, author: str) -> dict:
        if not (reason or "").strip():
            raise CurationError("a rejection needs a reason")
        if self._fact_props(fact) is None:
            raise NameNotResolved(f"the graph holds no fact {fact.id}")
        return self._record("reject", author, reason, self._fact_fields(fact),
                            self._fact_state(fact))

    def assert_fact(self, head: str, rtype: str, tail: str, *, reference: str | None,
                    reason: str, author: str) -> dict:
        fact = self.fact(head, rtype, tail, existing=False)
        return self.confirm(fact, reference=reference, reason=reason, author=author)

    def confirm(self, fact: Fact, *, reference: str | None, reason: str, author: str) -> dict:
        """Assert a fact. One no source gives needs a reference; confirming an extracted
        one may go without (its evidence is in the graph)."""
        check_rel_type(fact.type)
        if not allows(check_rel_type(fact.type), check_label(fact.head_label),
                      check_label(fact.tail_label)):
            raise CurationError(f"{fact.head_label}-[:{fact.type}]->{fact.tail_label} is not "
                                "allowed by the schema")
        for lab, key in ((fact.head_label, fact.head_key), (fact.tail_label, fact.tail_key)):
            if ops.read_entity(self.store, lab, key) is None:
                raise NameNotResolved(f"no {lab} has the key {key!r}")
        state = self._fact_state(fact)
        if not state["exists"] and not (reference or "").strip():
            raise CurationError("asserting a fact no source gives needs a reference (a URL)")
        return self._record("assert", author, reason,
                            {**self._fact_fields(fact), "reference": (reference or "").strip()
                             or None}, state)

    def _entity_fields(self, row: dict) -> dict:
        return {"target": "entity", "label": row["label"], "key": row["key"], "name": row["name"]}

    def reject_entity(self, name: str, *, reason: str, author: str) -> dict:
        if not (reason or "").strip():
            raise CurationError("a rejection needs a reason")
        row = self.entity(name)
        props = ops.read_entity(self.store, row["label"], row["key"])["props"]
        return self._record("reject", author, reason, self._entity_fields(row),
                            {"rejected": bool(props.get("rejected")),
                             "aliases": props.get("aliases") or []})

    def merge(self, name: str, into: str, *, reason: str | None, author: str) -> dict:
        loser, winner = self.entity(name), self.entity(into)
        if (loser["label"], loser["key"]) == (winner["label"], winner["key"]):
            raise CurationError(f"{name!r} and {into!r} are already one entity")
        if loser["label"] != winner["label"]:
            raise CurationError(f"{loser['name']} is a {loser['label']}, {winner['name']} a "
                                f"{winner['label']}: retype one first")
        kept = ops.read_entity(self.store, loser["label"], loser["key"])["props"]
        return self._record("merge", author, reason, {
            **self._entity_fields(loser), "other_label": winner["label"],
            "other_key": winner["key"], "other_name": winner["name"]},
            {"name": loser["name"], "aliases": kept.get("aliases") or []})

    def split(self, alias: str, from_: str, *, reason: str | None, author: str) -> dict:
        row = self.entity(from_)
        found = ops.read_entity(self.store, row["label"], row["key"])
        norm = normalize_name(alias)
        if norm == normalize_name(row["name"]):
            raise CurationError(f"{alias!r} is {row['name']}'s own name; rename it instead")
        if norm not in found["norms"]:
            listed = ", ".join(found["props"].get("aliases") or []) or "none"
            raise CurationError(f"{alias!r} is not an alias of {row['name']} "
                                f"(its aliases: {listed})")
        spelling = next((a for a in found["props"].get("aliases") or []
                         if normalize_name(a) == norm), alias)
        key = entity_key(row["label"], spelling)
        if key == row["key"]:
            raise CurationError(f"{alias!r} has {row['name']}'s key; rename it instead")
        return self._record("split", author, reason, {
            **self._entity_fields(row), "value": spelling, "other_label": row["label"],
            "other_key": key, "other_name": spelling}, {"aliases": found["props"].get("aliases")})

    def rename(self, name: str, to: str, *, reason: str | None, author: str) -> dict:
        row = self.entity(name)
        if not normalize_name(to or ""):
            raise CurationError(f"{to!r} is not a name")
        found = ops.read_entity(self.store, row["label"], row["key"])
        return self._record("rename", author, reason,
                            {**self._entity_fields(row), "value": to.strip()},
                            {"name": row["name"], "aliases": found["props"].get("aliases") or [],
                             "norms": found["norms"]})

    def retype(self, name: str, new_label: str, *, reason: str | None, author: str) -> dict:
        row = self.entity(name)
        lab = next((str(x) for x in Label if x.lower() == new_label.strip().lower()), None)
        lab = str(check_label(lab or new_label))
        if lab == row["label"]:
            raise CurationError(f"{row['name']} is a {lab} already")
        return self._record("retype", author, reason, {**self._entity_fields(row), "value": lab},
                            {"label": row["label"]})

    # undo ---------------------------------------------------------------------------------
    def get(self, curation_id: str) -> dict:
        rows = self.store.read(st.GET, {"id": curation_id})
        if not rows:
            raise NameNotResolved(f"no curation has the id {curation_id!r} (see kg curate log)")
        return rows[0]["c"]

    def undo(self, curation_id: str, *, author: str) -> dict:
        c = self.get(curation_id)
        if c["status"] != "active":
            raise CurationError(f"curation {curation_id} was undone already "
                                f"({c.get('undone_by')}, {c.get('undone_at')})")
        with self.store.ingest_lock():
            self.store.write(st.SET_FIELDS, {"id": c["id"], "fields": {
                "status": "undone", "undone_at": now(), "undone_by": author}})
            active = [r["c"] for r in self.store.read(st.ACTIVE)]
            _revert(self.store, c, json.loads(c.get("before") or "{}"), _redirects(active))
            redirect = _redirects(active)
            for other in active:
                apply_one(self.store, other, redirect)
        return self.get(curation_id)

    def redirect(self, lab: str, key: str) -> tuple[str, str]:
        """Where active merges and retypes sent an entity's key (itself if nowhere)."""
        return _redirects([r["c"] for r in self.store.read(st.ACTIVE)])(lab, key)

    def redirect_fact(self, fact: Fact) -> Fact:
        head, tail = self.redirect(fact.head_label, fact.head_key), \
            self.redirect(fact.tail_label, fact.tail_key)
        return Fact(fact.type, *head, *tail)

    def log(self, since: str = "", limit: int = 1000) -> list[dict]:
        return [_public(r["c"]) for r in self.store.read(st.LOG, {"since": since or "",
                                                                 "limit": limit})]

    def for_fact(self, fact: Fact) -> list[dict]:
        return [_public(r["c"]) for r in self.store.read(st.FOR_FACT, {
            "rtype": fact.type, "hl": fact.head_label, "hk": fact.head_key,
            "tl": fact.tail_label, "tk": fact.tail_key})]

    def for_entity(self, lab: str, key: str) -> list[dict]:
        return [_public(r["c"]) for r in self.store.read(st.FOR_ENTITY, {"label": lab, "key": key})]


def _revert(store, c: dict, before: dict, redirect) -> None:
    action = c["action"]
    if c["target"] == "relation":
        hl, hk = redirect(c["head_label"], c["head_key"])
        tl, tk = redirect(c["tail_label"], c["tail_key"])
        props = ops.read_fact(store, c["rel_type"], hl, hk, tl, tk)
        if props is None:
            return
        if action == "assert" and not props.get("sources"):
            store.write(st.delete_fact(c["rel_type"], hl, tl), {"hk": hk, "tk": tk})
        else:
            store.write(st.mark_fact(c["rel_type"], hl, tl), {"hk": hk, "tk": tk, "fields": {
                **ops.NO_MARKS, "rejected": None, "asserted": None, "reference": None}})
        return
    if "fold" in before:      # a merge (or a retype onto an existing node)
        ops.unfold(store, before["fold"])
        return
    lab, key = redirect(c["label"], c["key"])
    if action == "reject":
        store.write(st.set_entity(lab), {"key": key, "fields": {**ops.NO_MARKS, "rejected": None}})
    elif action == "retype":
        if ops.read_entity(store, c["value"], c["key"]) is not None:
            store.write(st.relabel(c["value"], c["label"]), {"key": c["key"], "new": c["label"]})
    elif action == "rename":
        ops.set_aliases(store, lab, key, before["name"], before.get("aliases") or [])
        norm = normalize_name(c["value"])
        if norm not in before.get("norms", []):
            store.write(st.drop_alias(lab), {"key": key, "norm": norm})
    elif action == "split":
        made = before.get("split") or {}
        if made.get("created"):   # the split made the entity: fold it back, alias and all
            ops.fold(store, (c["other_label"], c["other_key"]), (lab, key))
            return
        norm = normalize_name(c["value"])
        store.write(st.drop_alias(c["other_label"]), {"key": c["other_key"], "norm": norm})
        store.write(st.add_alias(lab), {"key": key, "norm": norm})
        found = ops.read_entity(store, lab, key)
        if found is not None:
            ops.set_aliases(store, lab, key, found["props"]["name"], made.get("aliases") or [])


def _unresolved(name: str, rows: list[dict]) -> NameNotResolved:
    if not rows:
        return NameNotResolved(f"no entity is called {name!r}")
    listed = "; ".join(f"{r['label']}:{r['name']} (key {r['key']})" for r in rows)
    return NameNotResolved(f"{name!r} names {len(rows)} entities: {listed}; "
                           "write Label:name to pick one", rows)


def _public(c: dict) -> dict:
    """A record as the log shows it: ``before`` decoded, a fold's snapshot left out."""
    out = dict(c)
    try:
        before = json.loads(out.get("before") or "{}")
    except ValueError:
        before = {}
    before.pop("fold", None)
    out["before"] = before
    return out
