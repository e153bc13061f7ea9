"""Why do we believe this? One fact (a relation) with every source behind it — the
evidence sentence, the source's date and title, the extractor and its version, the
confidence — its support, first and last seen, and every curation of it
(``GET /facts/{id}``, ``kg why HEAD TYPE TAIL``)."""
from __future__ import annotations

from kg import curation_ops as ops
from kg.curation import Curator, Fact
from kg.errors import NameNotResolved
from kg.store import curation as st



def explain(store, fact: Fact) -> dict:
    """The fact's sources and curations; a fact id naming a merged-away (or retyped)
    entity answers for the entity its key now redirects to."""
    rows = store.read(st.fact(fact.type, fact.head_label, fact.tail_label), fact.params())
    if not rows:
        moved = Curator(store).redirect_fact(fact)
        if moved != fact:
            fact = moved
            rows = store.read(st.fact(fact.type, fact.head_label, fact.tail_label),
                              fact.params())
    if not rows:
        raise NameNotResolved(f"the graph holds no fact {fact.id}")
    props, row = rows[0]["props"], rows[0]
    known = {s["id"]: s for s in store.read(st.SOURCES, {"ids": list(props.get("sources") or [])})}
    sources = []
    for source_id, sentence, extractor, confidence in ops._lists(props):
        name, _, version = (extractor or "").rpartition(" ")
        src = known.get(source_id, {"id": source_id})
        sources.append({"id": source_id, "title": src.get("title"), "url": src.get("url"),
                        "kind": src.get("kind"), "published": src.get("published"),
                        "seen": src.get("first_seen"), "sentence": sentence,
                        "extractor": name or extractor, "extractor_version": version or None,
                        "confidence": confidence})
    curations = Curator(store).for_fact(fact)
    active = [c for c in curations if c["status"] == "active"]
    status = ("rejected" if props.get("rejected") else "asserted" if props.get("asserted")
              else "extracted")
    return {
        "id": fact.id, "type": fact.type, "status": status,
        "head": {"name": row["head_name"], "label": fact.head_label, "key": fact.head_key},
        "tail": {"name": row["tail_name"], "label": fact.tail_label, "key": fact.tail_key},
        "support": props.get("support") or 0, "confidence": props.get("confidence"),
        "first_seen": props.get("first_seen"), "last_seen": props.get("last_seen"),
        "reference": props.get("reference"),
        "curation": active[-1] if active else None,
        "curations": curations, "sources": sources,
    }
