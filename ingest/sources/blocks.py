"""Blocks and items: the intermediate shapes every newsletter reader produces
(a :class:`Block` is a heading, paragraph, bullet or code block; an :class:`Item`
is one newsletter entry), plus the inline-text helpers they share: whitespace
cleaning, bare-URL links and the "short title line" test."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.models import Link


@dataclass(slots=True)
class Block:
    kind: str  # heading | para | bullet | code
    text: str
    links: list[Link] = field(default_factory=list)
    level: int = 0  # heading level; bullet depth
    group: int = 0  # bullets of one list share a group
    title: str | None = None  # a bullet's lead (bold or linked title), if any


@dataclass(slots=True)
class Item:
    """One newsletter item: ``text`` includes the heading lines."""
    index: int
    title: str | None
    text: str
    links: list[Link] = field(default_factory=list)


_WS = re.compile(r"[ \t\r\f\v\u00a0]+")
_URL = re.compile(r"""https?://[^\s<>"'\])}]+""")
_TRAIL = ".,;:!?'\")]}»”’"


def clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


def bare_links(text: str, known: Iterable[Link] = ()) -> list[Link]:
    seen = {link.url for link in known}
    out = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAIL)
        if url not in seen:
            seen.add(url)
            out.append(Link(url, ""))
    return out



def looks_like_title(text: str) -> bool:
    words = text.split()
    return (0 < len(words) <= 12 and len(text) <= 90 and text[-1] not in ".,;:!"
            and not _URL.search(text) and not text.startswith(("(", "[", "\"")))

