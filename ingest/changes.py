"""The changelog: what the graph learned since a date — new entities, new
relations, older facts whose support grew, and the curations made or undone in
the period — as JSON-able data and Markdown."""
from __future__ import annotations

from kg.curation import Curator
from kg.store import GraphStore


def changelog(store: GraphStore, since: str, *, limit: int = 1000) -> dict:
    params = {"since": since, "limit": limit}
    return {
        "since": since,
        "new_entities": store.run_query("changes_new_entities", params),
        "new_relations": store.run_query("changes_new_relations", params),
        "support_grew": store.run_query("changes_support_grew", params),
        "curations": Curator(store).log(since, limit),
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
    curations = changes.get("curations", [])
    lines += ["", f"## Curations ({len(curations)})", ""]
    lines += [f"- {describe(c)}" for c in curations] or ["- none"]
    return "\n".join(lines) + "\n"


def describe(c: dict) -> str:
    """One line for a curation record: what, by whom, when, why."""
    if c.get("target") == "relation":
        what = f"{c.get('head_name')} **{c.get('rel_type')}** {c.get('tail_name')}"
    else:
        what = f"**{c.get('name')}** ({c.get('label')})"
    extra = {"merge": f" into {c.get('other_name')}", "split": f": {c.get('value')} split off",
             "rename": f" to {c.get('value')}", "retype": f" as {c.get('value')}"}
    line = (f"`{c['id']}` {c['action']} {what}{extra.get(c['action'], '')} by {c['author']} "
            f"on {c['at'][:10]}")
    if c.get("reason"):
        line += f" — {c['reason']}"
    if c.get("reference"):
        line += f" ({c['reference']})"
    if c.get("status") == "undone":
        line += f" — undone by {c.get('undone_by')} on {(c.get('undone_at') or '')[:10]}"
    return line
