"""The browse pages' data: entities of one label, filtered by facets (organization,
year, relation presence — optionally to something introduced in a given year,
``has=IMPLEMENTS:out@2023``), sorted by support, recency or name, paginated, with facet
counts over the filtered set and stable URLs. One ``browse`` named query does the
graph work; the facet counts and the page are cut here."""
from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlencode

from api.errors import ApiError, NotFound
from kg.errors import SchemaError
from kg.lookup import entity_url
from kg.schema import Label, label as check_label, rel_type as check_rel_type

SORTS = ("support", "recent", "name")
MAX_SCAN = 5000  # rows the facets are counted over; past it the answer says truncated
FACET_VALUES = 20
# TYPE, TYPE:in / TYPE:out, optionally @YEAR: the other end introduced that year
_HAS = re.compile(r"^([A-Za-z_]+)(?::(in|out))?(?:@(\d{4}))?$")


def labels(service) -> list[dict]:
    """Each entity label with its count and browse URL (the browse home)."""
    counts = service.store.stats()["labels"]
    return [{"label": str(lab), "count": counts.get(str(lab), 0),
             "url": f"/browse/{lab}"} for lab in Label]


def browse(service, label: str, *, organization: str | None = None, year: str | None = None,
           has: list[str] | tuple[str, ...] = (), sort: str = "support", page: int = 1,
           per_page: int = 25) -> dict:
    try:
        lab = str(check_label(label))
    except SchemaError:
        raise NotFound(f"there is no entity type {label!r}",
                       allowed_labels=[str(x) for x in Label]) from None
    if sort not in SORTS:
        raise ApiError(400, f"sort must be one of {', '.join(SORTS)}", param="sort")
    if year and not re.fullmatch(r"\d{4}", year):
        raise ApiError(400, f"year={year!r}: give a year such as 2023", param="year")
    wanted = [_relation(item) for item in has if item]
    params = {"label": lab, "sort": sort, "year": year or "",
              "has": ",".join(h for h in wanted if "@" not in h),
              "has_year": ",".join(h for h in wanted if "@" in h),
              "organization": "", "limit": MAX_SCAN + 1}
    if organization:
        params["organization"] = service.require_known(organization, "organization")
    rows = service._run("browse", params)
    truncated = len(rows) > MAX_SCAN
    rows = rows[:MAX_SCAN]
    total = len(rows)
    start = (page - 1) * per_page
    shown = [{"name": r["name"], "label": lab, "key": r["key"], "url": entity_url(lab, r["key"]),
              "date": r.get("date"), "year": (r.get("date") or "")[:4] or None,
              "support": int(r.get("support") or 0),
              "relations": sorted(r.get("relations") or []),
              "organizations": sorted(r.get("organizations") or [])}
             for r in rows[start:start + per_page]]
    query = {"organization": organization or None, "year": year or None,
             "has": wanted or None, "sort": sort, "per_page": per_page}
    pages = max(1, -(-total // per_page))
    result = {
        "label": lab, "filters": {"organization": organization or None, "year": year or None,
                                  "has": wanted},
        "sort": sort, "page": page, "per_page": per_page, "pages": pages, "total": total,
        "truncated": truncated, "rows": shown,
        "facets": _facets(rows),
        "links": {"self": _url(lab, query, page),
                  "csv": _url(lab, query, page, format="csv"),
                  "next": _url(lab, query, page + 1) if page < pages else None,
                  "prev": _url(lab, query, page - 1) if page > 1 else None},
    }
    service._check_size(result)
    return result


def _relation(item: str) -> str:
    """``IMPLEMENTS`` / ``implements:in`` → ``IMPLEMENTS:out`` / ``IMPLEMENTS:in``, and
    ``IMPLEMENTS@2023`` → ``IMPLEMENTS:out@2023`` (to something introduced in 2023); the
    type must be in the schema's allowlist."""
    match = _HAS.match(item.strip())
    if not match:
        raise ApiError(400, f"has={item!r}: give a relation type, optionally with :in or "
                            ":out and @YEAR (the other end introduced that year), e.g. "
                            "IMPLEMENTS:out or IMPLEMENTS:out@2023", param="has")
    year = f"@{match.group(3)}" if match.group(3) else ""
    return f"{check_rel_type(match.group(1).upper())}:{match.group(2) or 'out'}{year}"


def _facets(rows: list[dict]) -> dict:
    counters = {"organization": Counter(), "year": Counter(), "has": Counter()}
    for row in rows:
        counters["organization"].update(set(row.get("organizations") or []))
        if row.get("date"):
            counters["year"][row["date"][:4]] += 1
        counters["has"].update(set(row.get("relations") or []))
    return {name: [{"value": value, "count": n} for value, n in
                   sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_VALUES]]
            for name, counter in counters.items()}


def _url(label: str, query: dict, page: int, **extra) -> str:
    pairs = [(k, v) for k, v in query.items() if v is not None and k != "has"]
    pairs += [("has", h) for h in query.get("has") or []]
    pairs += [("page", page), *extra.items()]
    return f"/browse/{label}?{urlencode(pairs)}"
