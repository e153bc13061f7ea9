"""GET /ask: a plain-English question answered by a named query or, for "tell me
about X", by the entity's generated summary (no LLM)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from api.deps import get_service
from api.service import GraphService

router = APIRouter(tags=["ask"])


class EntityLink(BaseModel):
    name: str
    label: str
    key: str
    url: str


class Suggestion(EntityLink):
    score: float
    matched: str


class Shape(BaseModel):
    intent: str = Field(description="The named query (or 'summary') it would run")
    example: str
    score: float = Field(description="How alike the question and the shape's words are, 0-100")


class Answer(BaseModel):
    question: str
    understood: bool
    query: str | None = Field(None, description="The named query run, or 'summary'")
    params: dict[str, Any] | None = None
    template: str | None = Field(None, description="The phrasing that matched")
    description: str | None = None
    rows: list[dict[str, Any]] = []
    count: int = 0
    truncated: bool | None = None
    summary: str | None = Field(None, description="'Tell me about X': a paragraph from "
                                                  "the graph's facts")
    entity: EntityLink | None = None
    also: list[EntityLink] | None = Field(None, description="Other entities of that name")
    message: str | None = None
    unknown: dict[str, str] | None = Field(None, description="Parameters naming no entity")
    suggestions: dict[str, list[Suggestion]] | None = None
    closest: list[Shape] | None = Field(None, description="Not understood: the supported "
                                                          "question shapes nearest to it")
    examples: list[str] | None = None


@router.get("/ask", summary="Ask in plain English; the answer names the query it ran",
            response_model=Answer, response_model_exclude_none=True)
def ask(q: str = Query(..., min_length=1, max_length=500,
                       examples=["Which libraries implement MLP-Mixer?"]),
        service: GraphService = Depends(get_service)) -> dict:
    return service.ask(q)
