"""The changelog: what the graph learned since a date — new entities, new
relations, and older facts whose support grew — as JSON-able data and Markdown."""
from __future__ import annotations

from kg.store import GraphStore


def changelog(store: GraphStore, since: str, *, limit: int = 1000) -> dict:
    params = {"since": since, "limit": limit}
    return {
        "since": since,
        "new_entities": store.run_query("changes_new_entities", params),
        "new_relations": store.run_query("changes_new_relations", params),
        "support_grew": store.run_query("changes_support_grew", params),
    }


def to_markdown(changes: dict) -> str:
    lines = [f"# mlkg changes since {changes['since']}", ""]
    lines += [f"## New entities ({len(changes['new_entities'])})", ""]
    lines += [f"- **{e['name']}** ({e['label']})" for e in changes["new_entities"]] or ["- none"]
    lines += ["", f"## New relations ({len(changes['new_relations'])})", ""]
    lines += [f"- {r['head']} **{r['type']}** {r['tail']} (support {r['support']})"
              + (f" — “{r['evidence']}”" if r.get("evidence") else "")
              for r in changes["new_relations"]] or ["- none"]
    lines += ["", f"## Support grew ({len(changes['support_grew'])})", ""]
    lines += [f"- {r['head']} **{r['type']}** {r['tail']}: support {r['support']} "
              f"(+{r['new_sources']})" for r in changes["support_grew"]] or ["- none"]
    return "\n".join(lines) + "\n"
