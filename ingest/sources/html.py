"""HTML pages → blocks, with trafilatura finding the main content.

``trafilatura.bare_extraction`` keeps the main content of the page (navigation,
headers/footers, pop-ups, scripts, forms and other boilerplate are its job) and
returns it as its XML body: ``head`` (``rend="h1"``…), ``p``, ``list``/``item``,
``code``, ``quote``, ``table``/``row``/``cell``, with ``ref target=…``, ``hi``
(bold, italic…) and ``lb`` inline. That body is walked here into
:class:`~ingest.sources.blocks.Block` s.

Links: relative ``href`` s are resolved against the page URL (the caller's
``base_url``, else the page's canonical URL, else ``<base href>``) *before*
extraction, because trafilatura only joins them with the site root; in-page
anchors (``#…``), ``javascript:`` and ``data:`` links are dropped.

Page metadata (``title``, canonical ``url``, published ``date`` found by
htmldate) comes from ``trafilatura.extract_metadata``.
"""
from __future__ import annotations

import copy
import re

import trafilatura
from trafilatura.settings import use_config

from ingest.sources.blocks import Block, bare_links, clean, looks_like_title
from kg.errors import MalformedDocument
from kg.models import Link

_CONFIG = use_config()
# Feed entries and mail bodies are often short: below MIN_EXTRACTED_SIZE (250 chars by
# default) trafilatura may swap its structured result for a flat text dump (no headings,
# no lists). 25 keeps the structure of short fragments and still lets trafilatura's
# recovery pass pick up headings of very short pages (checked on the test fixtures).
_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "25")
# htmldate: meta tags, JSON-LD, <time>, URL; no guessing from free text.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}
_EXTRACT = dict(favor_recall=True, include_comments=False, include_tables=True, include_images=False,
                include_formatting=True, include_links=True, deduplicate=False, config=_CONFIG)

# trafilatura XML elements that are blocks (everything else is inline)
_BLOCK_TAGS = {"body", "div", "head", "p", "list", "item", "code", "quote", "table", "row", "cell",
               "graphic", "pre", "blockquote"}
_CONTAINERS = {"body", "div", "quote", "cell", "item", "blockquote"}
_DEAD_HREF = ("#", "javascript:", "data:")


def parse_html(text: str):
    """An lxml HTML document; MalformedDocument if it does not parse."""
    import lxml.html
    from lxml import etree
    try:
        if text.lstrip().startswith("<?xml"):
            text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise MalformedDocument(f"HTML does not parse: {exc}") from exc


def html_metadata(root) -> dict[str, str]:
    """``title``, ``date`` (ISO) and canonical ``url`` of a parsed page, when found.
    The ``<title>`` element wins over trafilatura's title guess (which prefers a lone
    ``<h1>``, even one in a pop-up)."""
    found = trafilatura.extract_metadata(copy.deepcopy(root), date_config=dict(_DATE_PARAMS))
    meta: dict[str, str] = {}
    if found.date:
        meta["date"] = found.date
    if found.url and found.url.startswith(("http://", "https://")):
        meta["url"] = found.url
    title = root.find(".//head/title")
    title_text = clean(title.text_content()) if title is not None else ""
    if title_text or found.title:
        meta["title"] = title_text or clean(found.title)
    return meta


def _prepare_links(root, base: str | None) -> None:
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(_DEAD_HREF):
            a.attrib.pop("href", None)
    if base:
        root.make_links_absolute(base, resolve_base_href=True, handle_failures="ignore")
    else:
        root.resolve_base_href(handle_failures="ignore")


def html_blocks(text: str, base_url: str | None = None) -> tuple[list[Block], dict[str, str]]:
    """Blocks of the page's main content, and the page metadata."""
    root = parse_html(text)
    meta = html_metadata(root)
    _prepare_links(root, base_url or meta.get("url"))
    extracted = trafilatura.bare_extraction(root, **_EXTRACT)
    if extracted is None or extracted.body is None:
        return [], meta
    return _Walker().walk_body(extracted.body), meta


def _text(el) -> str:
    return "".join(el.itertext())


def _is_bold(el) -> bool:
    return el.tag == "hi" and "#b" in (el.get("rend") or "")


class _Walker:
    """trafilatura's XML body → blocks."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.group = 0

    def walk_body(self, body) -> list[Block]:
        self.walk(body)
        return self.blocks

    def inline(self, el, *, skip_lists: bool = False) -> tuple[str, list[Link]]:
        parts: list[str] = []
        links: list[Link] = []

        def rec(node) -> None:
            if node.text:
                parts.append(node.text.replace("\n", " "))
            for child in node:
                if not isinstance(child.tag, str) or child.tag == "graphic":
                    pass
                elif child.tag == "lb":
                    parts.append("\n")
                elif skip_lists and child.tag == "list":
                    pass
                else:
                    if child.tag == "ref":
                        target = (child.get("target") or "").strip()
                        if target and not target.lower().startswith(_DEAD_HREF):
                            links.append(Link(target, clean(_text(child))))
                    elif child.tag in _BLOCK_TAGS:
                        parts.append(" ")
                    rec(child)
                if child.tail:
                    parts.append(child.tail.replace("\n", " "))

        rec(el)
        text = "\n".join(clean(line) for line in "".join(parts).split("\n"))
        text = re.sub(r"\n{2,}", "\n", text).strip()
        links.extend(bare_links(text, links))
        return text, links

    def emit_para(self, el) -> None:
        body, links = self.inline(el)
        if not body:
            return
        kids = [c for c in el if isinstance(c.tag, str)]
        bold_only = (len(kids) == 1 and _is_bold(kids[0]) and not (el.text or "").strip()
                     and not (kids[0].tail or "").strip())
        if bold_only and looks_like_title(body.rstrip(":")):
            self.blocks.append(Block("heading", body.rstrip(":"), links, level=6))
        else:
            self.blocks.append(Block("para", body, links))

    def walk_list(self, el, depth: int) -> None:
        self.group += 1
        for item in el:
            if item.tag != "item":
                continue
            body, links = self.inline(item, skip_lists=True)
            sub = next(item.iter("list"), None)
            if sub is not None:
                sub_text, sub_links = self.inline(sub)
                if sub_text:
                    body = f"{body}; {sub_text.replace(chr(10), '; ')}" if body else sub_text
                    links.extend(sub_links)
            if body:
                kids = [c for c in item if isinstance(c.tag, str)]
                title = None
                if kids and (_is_bold(kids[0]) or kids[0].tag == "ref") and not (item.text or "").strip():
                    title = clean(_text(kids[0])) or None
                self.blocks.append(Block("bullet", body.replace("\n", " "), links, level=depth,
                                         group=self.group, title=title))

    def walk_table(self, el) -> None:
        for row in el.iter("row"):
            cells = [c for c in row if c.tag == "cell"]
            if any(self.has_block(c) for c in cells):
                for cell in cells:
                    self.walk(cell)
                continue
            texts, links = [], []
            for cell in cells:
                body, cell_links = self.inline(cell)
                if body:
                    texts.append(body.replace("\n", " "))
                    links.extend(cell_links)
            if texts:
                self.blocks.append(Block("para", " | ".join(texts), links))

    @staticmethod
    def has_block(el) -> bool:
        return any(isinstance(d.tag, str) and d.tag in _BLOCK_TAGS for d in el.iterdescendants())

    def walk(self, el) -> None:
        tag = el.tag
        if tag == "head":
            body, links = self.inline(el)
            rend = el.get("rend") or ""
            level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 3
            if body:
                self.blocks.append(Block("heading", body.replace("\n", " "), links, level=level))
        elif tag == "list":
            self.walk_list(el, 0)
        elif tag == "table":
            self.walk_table(el)
        elif tag in ("code", "pre"):
            code = _text(el).strip("\n")
            if code.strip():
                self.blocks.append(Block("code", code))
        elif tag == "graphic":
            return
        elif tag == "p" or tag not in _CONTAINERS or not self.has_block(el):
            self.emit_para(el)
        else:
            self.walk_container(el)

    def walk_container(self, el) -> None:
        """Block children are walked; runs of inline content between them become paragraphs."""
        from lxml import etree
        holder = etree.Element("p")
        holder.text = el.text

        def flush() -> None:
            nonlocal holder
            if (holder.text or "").strip() or len(holder):
                self.emit_para(holder)
            holder = etree.Element("p")

        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child.tag in _BLOCK_TAGS or self.has_block(child):
                flush()
                self.walk(child)
                if child.tail and child.tail.strip():
                    holder.text = child.tail
            else:
                holder.append(copy.deepcopy(child))
        flush()
