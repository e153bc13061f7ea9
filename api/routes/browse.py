"""GET /browse and GET /browse/{label}: entities listed by label with facets, as JSON
or CSV (``?format=csv``); each page's URL is stable and shareable."""
from __future__ import annotations

import csv
import io
import json
from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import get_service
from api.service import GraphService

router = APIRouter(tags=["browse"])


class LabelCount(BaseModel):
    label: str
    count: int
    url: str


class BrowseRow(BaseModel):
    name: str
    label: str
    key: str
    url: str
    date: str | None = Field(None, description="Its own publication date, else its "
                                               "introducing paper's, else its earliest source's")
    year: str | None = None
    support: int = Field(description="Sources behind its relations, summed")
    relations: list[str] = Field(description="Relation types it has, as TYPE:out / TYPE:in")
    organizations: list[str] = Field(description="Who developed it (DEVELOPED_BY)")


class FacetValue(BaseModel):
    value: str
    count: int


class Filters(BaseModel):
    organization: str | None = None
    year: str | None = None
    has: list[str] = []


class BrowsePage(BaseModel):
    label: str
    filters: Filters
    sort: str
    page: int
    per_page: int
    pages: int
    total: int = Field(description="Rows matching the filters")
    truncated: bool = Field(description="More than 5000 matched: facets and total count "
                                        "the first 5000")
    rows: list[BrowseRow]
    facets: dict[str, list[FacetValue]] = Field(
        description="Counts over the filtered rows: organization, year, has")
    links: dict[str, str | None] = Field(description="self, csv, next, prev")


CSV_COLUMNS = ("name", "label", "key", "url", "date", "support", "relations", "organizations")


@router.get("/browse", summary="Entity labels with their counts, each a browse page",
            response_model=list[LabelCount])
def browse_labels(service: GraphService = Depends(get_service)) -> list[dict]:
    return service.browse_labels()


@router.get("/browse/{label}", response_model=BrowsePage,
            summary="Entities of one label, filtered by facets, sorted, paginated (JSON or CSV)",
            responses={200: {"content": {"text/csv": {}}}})
def browse(label: str,
           organization: str | None = Query(None, max_length=300,
                                            description="Developed by (a name or alias)"),
           year: str | None = Query(None, description="e.g. 2021", max_length=4),
           has: list[str] = Query([], description="Has this relation: TYPE, TYPE:out or "
                                                 "TYPE:in; with @YEAR, to an entity introduced "
                                                 "that year (its own publication date, else its "
                                                 "introducing paper's), e.g. IMPLEMENTS:out@2023; "
                                                 "repeat for several (all required)"),
           sort: Literal["support", "recent", "name"] = "support",
           page: int = Query(1, ge=1, le=10_000),
           per_page: int = Query(25, ge=1, le=100),
           format: Literal["json", "csv"] = "json",
           service: GraphService = Depends(get_service)):
    result = service.browse(label, organization=organization, year=year, has=has, sort=sort,
                            page=page, per_page=per_page)
    if format == "csv":
        return Response(_csv(result["rows"]), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition":
                                 f'inline; filename="{result["label"]}-page{page}.csv"'})
    return result


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else
                         json.dumps(row[c], ensure_ascii=False) if isinstance(row[c], list)
                         else row[c] for c in CSV_COLUMNS])
    return out.getvalue()
