"""What each curation does to the graph, and how it is taken back.

Every ``apply`` is idempotent: ``kg.curation.apply_all`` runs them all again after
each load, so what a re-ingest brought back (a rejected relation retracted and found
again, a merged-away key written again, a split alias re-attached) is curated again.
"""
from __future__ import annotations

import json
import re

from kg.keys import normalize_name
from kg.store import curation as st

FACT_LISTS = ("sources", "evidence", "extractors", "confidences")


def marks(c: dict) -> dict:
    return {"curation": c["id"], "curated_by": c["author"], "curated_at": c["at"],
            "curation_reason": c.get("reason") or "", "curation_action": c["action"]}


NO_MARKS = {m: None for m in st.MARKS}


def read_entity(store, lab: str, key: str) -> dict | None:
    rows = store.read(st.entity(lab), {"key": key})
    if not rows or rows[0]["props"] is None:
        return None
    return {"props": dict(rows[0]["props"]), "norms": sorted(n for n in rows[0]["norms"] if n)}


def read_fact(store, rtype: str, hl: str, hk: str, tl: str, tk: str) -> dict | None:
    rows = store.read(st.fact(rtype, hl, tl), {"hk": hk, "tk": tk})
    return dict(rows[0]["props"]) if rows else None


def _aliases_text(name: str, aliases: list[str]) -> str:
    return " | ".join([name, *aliases])


def set_aliases(store, lab: str, key: str, name: str, aliases: list[str]) -> None:
    seen, clean = {normalize_name(name)}, []
    for alias in aliases:   # one spelling per normalized form, never the name itself
        if alias and normalize_name(alias) not in seen:
            seen.add(normalize_name(alias))
            clean.append(alias)
    store.write(st.set_entity(lab), {"key": key, "fields": {
        "name": name, "aliases": clean, "aliases_text": _aliases_text(name, clean)}})


# -- relation facts ----------------------------------------------------------------------
def _lists(props: dict) -> list[tuple]:
    """(source, sentence, extractor, confidence) per source; the per-source lists of a
    relation written before they existed fall back to the relation's own values."""
    sources = list(props.get("sources") or [])
    evidence = list(props.get("evidence") or [])
    extractors = list(props.get("extractors") or [])
    confidences = list(props.get("confidences") or [])
    whole = f"{props.get('extractor') or ''} {props.get('extractor_version') or ''}".strip()
    out = []
    for i, source in enumerate(sources):
        out.append((source, evidence[i] if i < len(evidence) else "",
                    extractors[i] if len(extractors) == len(sources) else whole,
                    confidences[i] if len(confidences) == len(sources)
                    else float(props.get("confidence") or 0.0)))
    return out


def _with_lists(props: dict, rows: list[tuple]) -> dict:
    out = dict(props)
    for name, index in zip(FACT_LISTS, range(4)):
        out[name] = [row[index] for row in rows]
    out["support"] = len(rows)
    return out


def merge_fact_props(into: dict | None, other: dict) -> dict:
    """``other``'s sources added to ``into`` (support counts distinct sources); the
    curation marks of ``into`` win over ``other``'s."""
    if into is None:
        return {k: v for k, v in other.items() if v is not None}
    rows = _lists(into)
    have = {r[0] for r in rows}
    rows += [r for r in _lists(other) if r[0] not in have]
    out = _with_lists(into, rows)
    out["confidence"] = max(float(into.get("confidence") or 0), float(other.get("confidence") or 0))
    for key, pick in (("first_seen", min), ("last_seen", max)):
        values = [v for v in (into.get(key), other.get(key)) if v]
        if values:
            out[key] = pick(values)
    for key in ("rejected", "asserted", "reference", *st.MARKS):
        if out.get(key) is None and other.get(key) is not None:
            out[key] = other[key]
    return {k: v for k, v in out.items() if v is not None}


def without_sources(props: dict, drop: set[str]) -> dict:
    return _with_lists(props, [r for r in _lists(props) if r[0] not in drop])


def _ends(rel: dict, lab: str, key: str) -> tuple[str, str, str, str]:
    """(head label, head key, tail label, tail key) of ``rel`` with this entity at its end."""
    if rel["direction"] == "out":
        return lab, key, rel["label"], rel["key"]
    return rel["label"], rel["key"], lab, key


def move_relation(store, rel: dict, src: tuple[str, str], dst: tuple[str, str]) -> dict | None:
    """Move one relation of ``src`` onto ``dst``, merged with what ``dst`` has there;
    returns dst's relation as it was (None if it had none)."""
    hl, hk, tl, tk = _ends(rel, *dst)
    before = read_fact(store, rel["type"], hl, hk, tl, tk)
    store.write(st.put_fact(rel["type"], hl, tl),
                {"hk": hk, "tk": tk, "props": merge_fact_props(before, rel["props"])})
    shl, shk, stl, stk = _ends(rel, *src)
    store.write(st.delete_fact(rel["type"], shl, stl), {"hk": shk, "tk": stk})
    return before


# -- fold (merge) and its undo ---------------------------------------------------------
def fold(store, src: tuple[str, str], dst: tuple[str, str]) -> dict | None:
    """Fold entity ``src`` into ``dst``: its relations, aliases and mentions move, its
    names become dst's aliases, the node goes. Returns what undo needs, or None when
    there is nothing to fold (no such node, or no ``dst``)."""
    if src == dst:
        return None
    loser, winner = read_entity(store, *src), read_entity(store, *dst)
    if loser is None or winner is None:
        return None
    rels = store.read(st.relations(src[0]), {"key": src[1]})
    mentions = store.read(st.mentions(src[0]), {"key": src[1]})
    winner_mentions = {m["source"] for m in store.read(st.mentions(dst[0]), {"key": dst[1]})}
    moved = []
    for rel in rels:
        if (rel["label"], rel["key"]) in (dst, src):
            moved.append({**rel, "dropped": True})   # would be a self-loop
            continue
        moved.append({**rel, "dst_before": move_relation(store, rel, src, dst)})
    store.write(st.move_aliases(src[0], dst[0]),
                {"src": src[1], "dst": dst[1], "norms": loser["norms"]})
    store.write(st.move_mentions(src[0], dst[0]), {"src": src[1], "dst": dst[1],
                                                    "sources": [m["source"] for m in mentions]})
    wp, lp = winner["props"], loser["props"]
    old_aliases = list(wp.get("aliases") or [])
    set_aliases(store, dst[0], dst[1], wp["name"],
                old_aliases + [lp.get("name") or ""] + list(lp.get("aliases") or []))
    # the survivor stays when its last mention is retracted, so the merge has a target
    # when the folded name comes back
    store.write(st.set_entity(dst[0]), {"key": dst[1], "fields": {"curated": True}})
    store.write(st.delete_entity(src[0]), {"key": src[1]})
    return {"src": list(src), "dst": list(dst), "props": lp, "norms": loser["norms"],
            "relations": moved, "mentions": mentions, "dst_norms": winner["norms"],
            "dst_mentions": sorted(winner_mentions), "dst_aliases": old_aliases,
            "dst_curated": bool(wp.get("curated"))}


def unfold(store, snap: dict) -> None:
    """Take a fold back: the folded node again with its properties, aliases, mentions
    and relations; from ``dst`` what the fold had brought."""
    src, dst = tuple(snap["src"]), tuple(snap["dst"])
    store.write(st.recreate_entity(src[0]), {"key": src[1], "props": snap["props"]})
    for norm in snap["norms"]:
        store.write(st.add_alias(src[0]), {"key": src[1], "norm": norm})
        if norm not in snap["dst_norms"]:
            store.write(st.drop_alias(dst[0]), {"key": dst[1], "norm": norm})
    only_src = [m["source"] for m in snap["mentions"] if m["source"] not in snap["dst_mentions"]]
    store.write(st.move_mentions(dst[0], src[0]), {"src": dst[1], "dst": src[1],
                                                    "sources": only_src})
    for m in snap["mentions"]:
        if m["source"] in snap["dst_mentions"]:
            store.write(st.add_mention(src[0]), {"key": src[1], "source": m["source"],
                                                 "snippet": m.get("snippet") or ""})
    for rel in snap["relations"]:
        hl, hk, tl, tk = _ends(rel, *src)
        store.write(st.put_fact(rel["type"], hl, tl), {"hk": hk, "tk": tk,
                                                       "props": rel["props"]})
        if rel.get("dropped"):
            continue
        dhl, dhk, dtl, dtk = _ends(rel, *dst)
        now = read_fact(store, rel["type"], dhl, dhk, dtl, dtk)
        if now is None:
            continue
        before = rel.get("dst_before")
        brought = {s for s in rel["props"].get("sources") or []} - \
            set((before or {}).get("sources") or [])
        rest = without_sources(now, brought)
        if before is None and not rest["sources"] and not now.get("asserted"):
            store.write(st.delete_fact(rel["type"], dhl, dtl), {"hk": dhk, "tk": dtk})
        else:
            store.write(st.put_fact(rel["type"], dhl, dtl), {"hk": dhk, "tk": dtk,
                                                             "props": rest})
    winner = read_entity(store, *dst)
    if winner is not None:
        brought = {normalize_name(a) for a in [snap["props"].get("name") or "",
                                               *(snap["props"].get("aliases") or [])]}
        keep = [a for a in winner["props"].get("aliases") or []
                if a in snap["dst_aliases"] or normalize_name(a) not in brought]
        set_aliases(store, dst[0], dst[1], winner["props"]["name"], keep)
        if not snap["dst_curated"]:
            store.write(st.set_entity(dst[0]), {"key": dst[1], "fields": {"curated": None}})


# -- split ---------------------------------------------------------------------------------
def _names(text: str, spelling: str) -> bool:
    """Whether ``text`` names ``spelling`` as a word (any case)."""
    if not spelling or not text:
        return False
    return re.search(rf"(?<!\w){re.escape(spelling.casefold())}(?!\w)", text.casefold()) is not None


def split(store, c: dict, redirect) -> dict | None:
    """The alias ``c['value']`` of entity (label, key) as its own entity (other_label,
    other_key): the Alias node points there, the spelling leaves the old aliases, and
    the relations and mentions whose every sentence names the alias but not the old
    name move with it."""
    lab, key = redirect(c["label"], c["key"])
    new = (c["other_label"], c["other_key"])
    old = read_entity(store, lab, key)
    if old is None:
        return None
    alias, norm = c["value"], normalize_name(c["value"])
    created = read_entity(store, *new) is None
    if created:
        store.write(st.recreate_entity(new[0]), {"key": new[1], "props": {
            "key": new[1], "name": alias, "label": new[0], "aliases": [],
            "aliases_text": alias, "first_seen": c["at"], "last_seen": c["at"],
            "curated": True}})
    store.write(st.drop_alias(lab), {"key": key, "norm": norm})
    store.write(st.add_alias(new[0]), {"key": new[1], "norm": norm})
    # both stay when their last mention is retracted: a re-extraction must find the old
    # node by its name, not only the new one by the alias, or it lands on the new one
    store.write(st.set_entity(lab), {"key": key, "fields": {"curated": True}})
    props = old["props"]
    old_aliases = list(props.get("aliases") or [])
    set_aliases(store, lab, key, props["name"],
                [a for a in old_aliases if normalize_name(a) != norm])
    name = props["name"]
    for rel in store.read(st.relations(lab), {"key": key}):
        sentences = rel["props"].get("evidence") or []
        if sentences and all(_names(s, alias) and not _names(s, name) for s in sentences):
            move_relation(store, rel, (lab, key), new)
    moving = [m["source"] for m in store.read(st.mentions(lab), {"key": key})
              if _names(m.get("snippet"), alias) and not _names(m.get("snippet"), name)]
    if moving:
        store.write(st.move_mentions(lab, new[0]), {"src": key, "dst": new[1],
                                                    "sources": moving})
    return {"created": created, "aliases": old_aliases}


def encode(snapshot: dict | None) -> str:
    return json.dumps(snapshot or {}, ensure_ascii=False, default=str)
