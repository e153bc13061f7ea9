"""Newsletter issues (plain text, Markdown/MDX, HTML) split into items.

An issue is cut into *blocks* (headings, paragraphs, bullets, code) and the
blocks are grouped into *items*:

* a heading (Markdown ``#``/setext, HTML ``h1``–``h6``, a whole-bold line, or in
  plain text a short title line followed by a paragraph) opens a section; the
  paragraphs under it form one item whose title is the first heading and whose
  text starts with the headings;
* a list of substantial bullets or numbered entries (median ≥ 12 words, or every
  entry carries a link) gives one item per entry; a list of short bullets stays
  inside the section item it belongs to.

Markdown ``[text](url)``, reference links, autolinks, inline HTML ``<a href>``,
HTML ``<a href>`` and bare URLs are collected as :class:`~kg.models.Link` and the
markup is removed from the text. HTML keeps only the main content (``main``,
``article``, ``[role=main]``…; navigation, scripts, forms and boilerplate are
dropped), done with lxml (trafilatura cannot be imported here: it needs
``lxml_html_clean``, see the report).

Public surface::

    split_items(text, *, fmt="text"|"markdown"|"html", base_url=None) -> list[Item]
    read_newsletter(path_or_text, *, fmt=None, issue_id=None, url=None,
                    published=None, origin=None) -> list[Document]
    decode_bytes(data, *, source=None, html=False) -> str
    detect_format(text, name=None) -> str
"""
from __future__ import annotations

import hashlib
import html as html_lib
import os
import re
import statistics
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from kg.errors import MalformedDocument
from kg.models import Document, Link

FORMATS = ("text", "markdown", "html")
_SUFFIX_FORMAT = {".txt": "text", ".text": "text", ".md": "markdown", ".mdx": "markdown",
                  ".markdown": "markdown", ".html": "html", ".htm": "html", ".xhtml": "html"}


# ---------------------------------------------------------------- bytes → text

_MAGIC = [(b"%PDF", "PDF"), (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"),
          (b"GIF8", "GIF image"), (b"PK\x03\x04", "ZIP archive"), (b"\x1f\x8b", "gzip archive"),
          (b"\x7fELF", "ELF executable"), (b"BZh", "bzip2 archive"), (b"\xfd7zXZ", "xz archive")]
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", re.I)


def decode_bytes(data: bytes, *, source: str | None = None, html: bool = False) -> str:
    """Decode a text document. UTF-8 (with or without BOM) and UTF-16 with a BOM
    are accepted; HTML may declare another charset in ``<meta charset>``.
    Binary files and undecodable bytes raise MalformedDocument with the reason."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise MalformedDocument(f"invalid UTF-16 text: {exc.reason} at byte {exc.start}",
                                    source=source) from exc
    head = data[:8192]
    for magic, name in _MAGIC:
        if head.startswith(magic):
            raise MalformedDocument(f"binary file ({name}), not a text document", source=source)
    if b"\x00" in head:
        raise MalformedDocument("binary file (contains NUL bytes), not a text document", source=source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if html:
            match = _META_CHARSET.search(head)
            if match and match.group(1).lower() not in (b"utf-8", b"utf8"):
                try:
                    return data.decode(match.group(1).decode("ascii"))
                except (LookupError, UnicodeDecodeError):
                    pass
        bad = data[exc.start:exc.start + 1]
        raise MalformedDocument(
            f"not valid UTF-8: byte 0x{bad.hex()} at offset {exc.start} ({exc.reason}); "
            "re-encode the file as UTF-8", source=source) from exc


def detect_format(text: str, name: str | None = None) -> str:
    """``text``, ``markdown`` or ``html`` from a file name, else from content."""
    if name:
        fmt = _SUFFIX_FORMAT.get(Path(urlsplit(name).path).suffix.lower())
        if fmt:
            return fmt
    head = text.lstrip()[:2000].lower()
    if head.startswith(("<!doctype html", "<html")) or re.search(r"<(body|p|div|h[1-6])[\s>]", head):
        return "html"
    if re.search(r"(?m)^(#{1,6} \S|---\s*$|\s*[-*] \[|.*\]\(https?://)", text[:5000]):
        return "markdown"
    return "text"


# ---------------------------------------------------------------- blocks

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


def _clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _bare_links(text: str, known: Iterable[Link] = ()) -> list[Link]:
    seen = {link.url for link in known}
    out = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAIL)
        if url not in seen:
            seen.add(url)
            out.append(Link(url, ""))
    return out


# ---------------------------------------------------------------- Markdown

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_HR = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_BULLET = re.compile(r"^(\s*)(?:[-*+•·◦▪‣–]|\d{1,3}[.)])\s+(.*)$")
_REFDEF = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s+[\"'(].*[\"')])?\s*$")
_MDX_LINE = re.compile(r"^\s*(?:import\s.+\sfrom\s+['\"].+['\"];?|import\s+['\"].+['\"];?|export\s.+)\s*$")
_LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_DROP_ELEMENTS = re.compile(r"<(script|style|iframe|video|audio|svg|object)\b.*?</\1\s*>", re.S | re.I)
_IMG = re.compile(r"!\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
_IMG_REF = re.compile(r"!\[([^\]]*)\]\[[^\]]*\]")
_MD_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?((?:[^()\s<>]|\([^()\s]*\))*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_MD_REFLINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])+)\]\[([^\]]*)\]")
_MD_SHORTREF = re.compile(r"\[([^\[\]]+)\](?![\[(:])")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+|mailto:[^>\s]+)>")
_HTML_A = re.compile(r"<a\b[^>]*?\bhref\s*=\s*[\"']([^\"']*)[\"'][^>]*>(.*?)</a\s*>", re.S | re.I)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9.\-]*(?:\s(?:[^<>\"'{}]|\"[^\"]*\"|'[^']*'|\{[^{}]*\})*)?/?>", re.S)
_EMPH = [re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), re.compile(r"__(?=\S)(.+?)(?<=\S)__"),
         re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"),
         re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"),
         re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), re.compile(r"`+([^`]+?)`+")]
_LEAD = re.compile(r"^\s*(?:\*\*(?P<b>[^*]+?)\*\*|\[(?P<l>[^\]]+)\]\([^)]*\))\s*(?:[:\-–—|]|$)")


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split YAML front matter (top-level ``key: value`` pairs only) from the body."""
    match = _FRONT.match(text)
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        kv = re.match(r"^([A-Za-z0-9_\-]+)\s*:\s*(.*?)\s*$", line)
        if kv and kv.group(2):
            meta[kv.group(1).lower()] = kv.group(2).strip("\"'")
    return meta, text[match.end():]


def _md_inline(text: str, refs: dict[str, str]) -> tuple[str, list[Link]]:
    links: list[Link] = []

    def add(url: str, anchor: str) -> None:
        url = url.strip()
        if url and not url.startswith("#") and not url.lower().startswith("javascript:"):
            links.append(Link(url, _clean(anchor)))

    text = _IMG.sub("", text)
    text = _IMG_REF.sub("", text)

    def a_tag(m: re.Match) -> str:
        inner = _TAG.sub("", m.group(2))
        add(html_lib.unescape(m.group(1)), html_lib.unescape(inner))
        return inner

    text = _HTML_A.sub(a_tag, text)

    def md_link(m: re.Match) -> str:
        anchor = _md_strip_emph(m.group(1))
        add(m.group(2), anchor)
        return anchor

    text = _MD_LINK.sub(md_link, text)

    def ref_link(m: re.Match) -> str:
        anchor = _md_strip_emph(m.group(1))
        url = refs.get((m.group(2) or m.group(1)).strip().lower())
        if url:
            add(url, anchor)
        return anchor

    text = _MD_REFLINK.sub(ref_link, text)
    if refs:
        def short_ref(m: re.Match) -> str:
            url = refs.get(m.group(1).strip().lower())
            if url is None:
                return m.group(0)
            add(url, m.group(1))
            return m.group(1)
        text = _MD_SHORTREF.sub(short_ref, text)

    def autolink(m: re.Match) -> str:
        add(m.group(1), m.group(1))
        return m.group(1)

    text = _AUTOLINK.sub(autolink, text)
    text = _TAG.sub("", text)
    text = _md_strip_emph(text)
    text = html_lib.unescape(text)
    text = text.replace("\\", "") if "\\" in text and re.search(r"\\[\\`*_{}\[\]()#+\-.!|]", text) else text
    links.extend(_bare_links(text, links))
    return _clean(text), links


def _md_strip_emph(text: str) -> str:
    for pattern in _EMPH:
        text = pattern.sub(r"\1", text)
    return text


def _strip_markdown_noise(text: str) -> str:
    text = _COMMENT.sub("", text)
    text = _LIQUID.sub("", text)
    text = _DROP_ELEMENTS.sub("", text)
    return text


def _line_blocks(text: str, *, markdown: bool) -> list[Block]:
    """Blocks from Markdown or plain text, line by line."""
    refs: dict[str, str] = {}
    if markdown:
        text = _strip_markdown_noise(text)
    lines = text.splitlines()
    kept: list[str] = []
    in_fence = None
    for line in lines:
        fence = _FENCE.match(line)
        if in_fence:
            kept.append(line)
            if fence and fence.group(1)[0] == in_fence:
                in_fence = None
            continue
        if fence:
            in_fence = fence.group(1)[0]
            kept.append(line)
            continue
        if markdown:
            ref = _REFDEF.match(line)
            if ref and not ref.group(2).startswith("^"):
                refs[ref.group(1).strip().lower()] = ref.group(2)
                continue
            if _MDX_LINE.match(line):
                continue
        kept.append(line)

    def inline(s: str) -> tuple[str, list[Link]]:
        if markdown:
            return _md_inline(s, refs)
        s = _clean(s)
        return s, _bare_links(s)

    blocks: list[Block] = []
    para: list[str] = []
    bullet: list[str] | None = None
    bullet_indent = 0
    group = 0
    in_list = False
    i = 0

    def flush_para() -> None:
        nonlocal para
        if para:
            raw = " ".join(p.strip() for p in para)
            body, links = inline(raw)
            if body:
                lead = _whole_bold(raw) if markdown else None
                if lead:
                    blocks.append(Block("heading", body, links, level=6))
                else:
                    blocks.append(Block("para", body, links))
            para = []

    def flush_bullet() -> None:
        nonlocal bullet
        if bullet is not None:
            raw = " ".join(p.strip() for p in bullet)
            body, links = inline(raw)
            title = None
            if markdown:
                lead = _LEAD.match(raw)
                if lead:
                    title = _clean(_md_strip_emph(lead.group("b") or lead.group("l") or "")) or None
            if body:
                blocks.append(Block("bullet", body, links, level=0, group=group, title=title))
            bullet = None

    while i < len(kept):
        line = kept[i]
        nxt = kept[i + 1] if i + 1 < len(kept) else None
        fence = _FENCE.match(line)
        if fence:
            flush_para(); flush_bullet(); in_list = False
            marker = fence.group(1)[0]
            code: list[str] = []
            i += 1
            while i < len(kept) and not (_FENCE.match(kept[i]) and _FENCE.match(kept[i]).group(1)[0] == marker):
                code.append(kept[i])
                i += 1
            i += 1
            if any(c.strip() for c in code):
                blocks.append(Block("code", "\n".join(code).strip("\n")))
            continue
        stripped = line.strip()
        if not stripped:
            flush_para()
            if bullet is not None:
                # a loose list: indented continuation or another bullet may follow
                j = i + 1
                while j < len(kept) and not kept[j].strip():
                    j += 1
                if j < len(kept) and (_BULLET.match(kept[j]) or
                                      (len(kept[j]) - len(kept[j].lstrip()) > bullet_indent)):
                    i += 1
                    continue
                flush_bullet()
                in_list = False
            i += 1
            continue
        if markdown:
            atx = _ATX.match(line)
            if atx and bullet is None:
                flush_para(); in_list = False
                body, links = inline(atx.group(2))
                if body:
                    blocks.append(Block("heading", body, links, level=len(atx.group(1))))
                i += 1
                continue
            if _HR.match(line) and not para:
                flush_bullet(); in_list = False
                i += 1
                continue
        if (nxt is not None and _SETEXT.match(nxt) and not _BULLET.match(line) and bullet is None
                and not para and (markdown or len(stripped) <= 100)):
            body, links = inline(stripped)
            if body:
                blocks.append(Block("heading", body, links, level=1 if nxt.strip()[0] == "=" else 2))
            in_list = False
            i += 2
            continue
        if markdown and stripped.startswith(">"):
            line = re.sub(r"^\s*(?:>\s?)+", "", line)
            stripped = line.strip()
            if not stripped:
                i += 1
                continue
        b = _BULLET.match(line)
        if b and not _HR.match(line):
            indent = len(b.group(1).expandtabs(4))
            if bullet is not None and indent > bullet_indent + 1:
                bullet.append("; " + b.group(2) if bullet else b.group(2))  # nested entry
                i += 1
                continue
            flush_para(); flush_bullet()
            if not in_list:
                group += 1
                in_list = True
            bullet = [b.group(2)]
            bullet_indent = indent
            i += 1
            continue
        if bullet is not None:
            bullet.append(line)
            i += 1
            continue
        in_list = False
        para.append(line)
        i += 1
    flush_para(); flush_bullet()
    return blocks


def _whole_bold(raw: str) -> bool:
    raw = raw.strip()
    m = re.fullmatch(r"(\*\*|__)(.+?)\1:?", raw)
    return bool(m) and len(m.group(2).split()) <= 12


# ---------------------------------------------------------------- plain-text headings

_DATE_WORDS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _looks_like_title(text: str) -> bool:
    words = text.split()
    return (0 < len(words) <= 12 and len(text) <= 90 and text[-1] not in ".,;:!"
            and not _URL.search(text) and not text.startswith(("(", "[", "\"")))


def _promote_text_headings(blocks: list[Block]) -> list[Block]:
    """In plain text, a one-line short paragraph followed by more content is a heading."""
    out = []
    for k, block in enumerate(blocks):
        if (block.kind == "para" and k + 1 < len(blocks) and "\n" not in block.text
                and _looks_like_title(block.text)):
            out.append(Block("heading", block.text, block.links, level=3))
        else:
            out.append(block)
    return out


# ---------------------------------------------------------------- HTML

_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "pre", "blockquote",
               "table", "tr", "td", "th", "div", "section", "article", "main", "header", "footer",
               "dl", "dt", "dd", "figure", "figcaption", "hr", "address", "details", "summary",
               "tbody", "thead", "center", "aside", "nav", "form", "fieldset"}
_DROP_TAGS = {"script", "style", "noscript", "template", "svg", "iframe", "form", "button", "input",
              "select", "textarea", "nav", "aside", "canvas", "object", "embed", "video", "audio",
              "picture", "map", "dialog"}
_BOILER = re.compile(r"(?:^|[\s_-])(nav|navbar|navigation|menu|sidebar|side-bar|footer|breadcrumbs?|cookies?|"
                     r"popup|modal|share|sharing|social|subscribe|signup|sign-up|advert|ads|banner|"
                     r"skip-link|toc|search|pagination|related|comments?|help)(?:$|[\s_-])", re.I)
_MAIN_XPATH = ["//main", "//*[@role='main']", "//article", "//*[@id='content']",
               "//*[contains(concat(' ', normalize-space(@class), ' '), ' post-content ')]",
               "//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]",
               "//*[@id='main']"]


def _parse_html(text: str):
    import lxml.html
    from lxml import etree
    try:
        if text.lstrip().startswith("<?xml"):
            text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise MalformedDocument(f"HTML does not parse: {exc}") from exc


def html_metadata(root) -> dict[str, str]:
    """Title, published date and canonical URL from an HTML head."""
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = (el.get("content") or "").strip()
        if not key or not value:
            continue
        if key in ("article:published_time", "og:published_time", "date", "dc.date", "dc.date.issued",
                   "dcterms.date", "dcterms.created", "pubdate", "publishdate", "datepublished",
                   "sailthru.date", "parsely-pub-date", "citation_publication_date"):
            meta.setdefault("date", value)
        elif key in ("og:url",):
            meta.setdefault("url", value)
        elif key in ("og:title", "twitter:title"):
            meta.setdefault("og_title", value)
    for el in root.iter("link"):
        if (el.get("rel") or "").lower() == "canonical" and el.get("href"):
            meta["url"] = el.get("href")
    if "date" not in meta:
        for el in root.iter("time"):
            if el.get("datetime"):
                meta["date"] = el.get("datetime")
                break
    title = root.find(".//title")
    if title is not None and title.text_content().strip():
        meta["title"] = _clean(title.text_content())
    return meta


def _is_boilerplate(el) -> bool:
    if el.tag in ("main", "article", "body", "html") or el.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "a"):
        return False
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if (el.get("role") or "").lower() in ("navigation", "banner", "contentinfo", "search",
                                           "complementary", "dialog", "menu"):
        return True
    names = " ".join(filter(None, [el.get("id"), el.get("class")]))
    return bool(names and _BOILER.search(names)) and el.tag in ("div", "section", "ul", "ol", "span",
                                                                  "header", "footer", "table", "p")


def _content_root(root):
    for xpath in _MAIN_XPATH:
        found = root.xpath(xpath)
        if found:
            return max(found, key=lambda e: len(e.text_content()))
    body = root.find("body")
    return body if body is not None else root


def _html_blocks(text: str, base_url: str | None = None) -> tuple[list[Block], dict[str, str]]:
    root = _parse_html(text)
    meta = html_metadata(root)
    base = meta.get("url") or base_url
    if base_url:
        base = base_url
    for el in list(root.iter()):
        if not isinstance(el.tag, str):  # comments, processing instructions
            if el.getparent() is not None:
                el.drop_tree()
    for el in list(root.iter(*_DROP_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    content = _content_root(root)
    for el in list(content.iter()):
        if el is not content and el.getparent() is not None and (el.tag in ("header", "footer") and
                                                                  content.tag == "body" or _is_boilerplate(el)):
            el.drop_tree()

    blocks: list[Block] = []
    counter = {"group": 0}

    def resolve(href: str) -> str | None:
        href = href.strip()
        if not href or href.startswith("#") or href.lower().startswith(("javascript:", "data:")):
            return None
        return urljoin(base, href) if base else href

    def inline(el, *, skip_lists: bool = False) -> tuple[str, list[Link]]:
        parts: list[str] = []
        links: list[Link] = []

        def rec(node) -> None:
            if node.text:
                parts.append(node.text.replace("\n", " "))
            for child in node:
                if not isinstance(child.tag, str):
                    pass
                elif child.tag == "br":
                    parts.append("\n")
                elif skip_lists and child.tag in ("ul", "ol"):
                    pass
                elif child.tag == "img":
                    pass
                elif child.tag == "a":
                    anchor = _clean(child.text_content())
                    url = resolve(child.get("href") or "")
                    if url:
                        links.append(Link(url, anchor))
                    rec(child)
                else:
                    if child.tag in _BLOCK_TAGS:
                        parts.append(" ")
                    rec(child)
                if child.tail:
                    parts.append(child.tail.replace("\n", " "))

        rec(el)
        joined = "".join(parts)
        text = "\n".join(_clean(line) for line in joined.split("\n"))
        text = re.sub(r"\n{2,}", "\n", text).strip()
        links.extend(_bare_links(text, links))
        return text, links

    def has_block(el) -> bool:
        return any(isinstance(d.tag, str) and d.tag in _BLOCK_TAGS for d in el.iterdescendants())

    def emit_para(el) -> None:
        body, links = inline(el)
        if not body:
            return
        kids = [c for c in el if isinstance(c.tag, str)]
        bold_only = (len(kids) == 1 and kids[0].tag in ("strong", "b") and not (el.text or "").strip()
                     and not (kids[0].tail or "").strip())
        if bold_only and _looks_like_title(body.rstrip(":")):
            blocks.append(Block("heading", body.rstrip(":"), links, level=6))
        else:
            blocks.append(Block("para", body, links))

    def walk_list(el, depth: int) -> None:
        counter["group"] += 1
        group = counter["group"]
        for li in el:
            if not isinstance(li.tag, str) or li.tag != "li":
                continue
            body, links = inline(li, skip_lists=True)
            for sub in li.iter("ul", "ol"):
                sub_text, sub_links = inline(sub)
                if sub_text:
                    body = f"{body}; {sub_text.replace(chr(10), '; ')}" if body else sub_text
                    links.extend(sub_links)
                break
            if body:
                title = None
                kids = [c for c in li if isinstance(c.tag, str)]
                if kids and kids[0].tag in ("strong", "b", "a") and not (li.text or "").strip():
                    title = _clean(kids[0].text_content()) or None
                blocks.append(Block("bullet", body.replace("\n", " "), links, level=depth,
                                    group=group, title=title))

    def walk(el) -> None:
        tag = el.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            body, links = inline(el)
            if body:
                blocks.append(Block("heading", body.replace("\n", " "), links, level=int(tag[1])))
            return
        if tag in ("ul", "ol"):
            walk_list(el, 0)
            return
        if tag == "pre":
            code = el.text_content().strip("\n")
            if code.strip():
                blocks.append(Block("code", code))
            return
        if tag == "hr":
            return
        if tag == "p" or not has_block(el):
            emit_para(el)
            return
        # a container: runs of inline content between block children become paragraphs
        run_text = [el.text or ""]
        run_nodes: list = []

        def flush_run() -> None:
            text = "".join(run_text).strip()
            if text or run_nodes:
                import lxml.html
                holder = lxml.html.Element("p")
                holder.text = run_text[0]
                # re-use inline() on a shallow holder that keeps the inline children
                for node in run_nodes:
                    holder.append(_copy(node))
                emit_para(holder)
            run_text.clear(); run_text.append("")
            run_nodes.clear()

        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child.tag in _BLOCK_TAGS or has_block(child):
                flush_run()
                walk(child)
                if child.tail and child.tail.strip():
                    run_text[0] = child.tail
            else:
                run_nodes.append(child)
        flush_run()

    walk(content)
    return blocks, meta


def _copy(node):
    import copy
    return copy.deepcopy(node)


# ---------------------------------------------------------------- grouping

def _is_item_list(bullets: list[Block]) -> bool:
    words = [len(b.text.split()) for b in bullets]
    if statistics.median(words) >= 12:
        return True
    return len(bullets) >= 2 and all(b.links or b.title for b in bullets) and statistics.median(words) >= 4


def _group(blocks: list[Block]) -> list[Item]:
    items: list[Item] = []
    pending: list[Block] = []
    current: dict | None = None

    def close() -> None:
        nonlocal current
        if current is not None and current["body"]:
            items.append(Item(len(items), current["title"], "\n".join(current["parts"]).strip(),
                              _dedupe(current["links"])))
        current = None

    def open_section() -> dict:
        nonlocal pending
        title = pending[0].text if pending else None
        section = {"title": title, "parts": [h.text for h in pending],
                   "links": [l for h in pending for l in h.links], "body": False}
        pending = []
        return section

    k = 0
    while k < len(blocks):
        block = blocks[k]
        if block.kind == "heading":
            close()
            pending.append(block)
            k += 1
            continue
        if block.kind == "bullet":
            run = [block]
            while k + 1 < len(blocks) and blocks[k + 1].kind == "bullet" and blocks[k + 1].group == block.group:
                k += 1
                run.append(blocks[k])
            k += 1
            if _is_item_list(run):
                close()
                pending = []  # section labels such as "Papers" head the list, not an item
                for b in run:
                    items.append(Item(len(items), b.title, b.text, _dedupe(b.links)))
            else:
                if current is None:
                    current = open_section()
                for b in run:
                    current["parts"].append(f"- {b.text}")
                    current["links"].extend(b.links)
                current["body"] = True
            continue
        if current is None:
            current = open_section()
        current["parts"].append(block.text)
        current["links"].extend(block.links)
        current["body"] = True
        k += 1
    close()
    return items


def _dedupe(links: list[Link]) -> list[Link]:
    seen: dict[str, Link] = {}
    for link in links:
        if link.url not in seen or (not seen[link.url].text and link.text):
            seen[link.url] = link
    return list(seen.values())


def split_items(text: str, *, fmt: str = "text", base_url: str | None = None) -> list[Item]:
    """Split one issue into items. ``fmt`` is ``text``, ``markdown`` or ``html``.
    Markdown front matter is skipped (read it with :func:`parse_front_matter`)."""
    return _split(text, fmt=fmt, base_url=base_url)[0]


def _split(text: str, *, fmt: str, base_url: str | None = None) -> tuple[list[Item], dict[str, str]]:
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    meta: dict[str, str] = {}
    if fmt == "html":
        blocks, meta = _html_blocks(text, base_url)
    elif fmt == "markdown":
        meta, body = parse_front_matter(text)
        blocks = _line_blocks(body, markdown=True)
    else:
        body, date_line = _strip_date_line(text)
        if date_line:
            meta["date"] = date_line
        blocks = _promote_text_headings(_line_blocks(body, markdown=False))
    return _group(blocks), meta


# ---------------------------------------------------------------- dates

_MONTHS = {m: i + 1 for i, m in enumerate(_DATE_WORDS)}
_D_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\b")
_D_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_D_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")


def parse_date(value: str | None) -> str | None:
    """An ISO ``YYYY-MM-DD`` from common date spellings, else None."""
    if not value:
        return None
    value = value.strip()
    candidates: list[tuple[int, int, int]] = []
    if m := _D_ISO.search(value):
        candidates.append((int(m.group(1)), int(m.group(2)), int(m.group(3))))
    if m := _D_MDY.search(value):
        month = _MONTHS.get(m.group(1)[:3].lower())
        if month:
            candidates.append((int(m.group(3)), month, int(m.group(2))))
    if m := _D_DMY.search(value):
        month = _MONTHS.get(m.group(2)[:3].lower())
        if month:
            candidates.append((int(m.group(3)), month, int(m.group(1))))
    for y, mo, d in candidates:
        try:
            return date(y, mo, d).isoformat()
        except ValueError:
            continue
    try:  # RFC 2822 (mail, RSS)
        import email.utils
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _strip_date_line(text: str) -> tuple[str, str | None]:
    """A short line near the top that is only a date (optionally labelled) is the
    issue date; it is removed from the text."""
    lines = text.splitlines()
    for n, line in enumerate(lines[:15]):
        s = line.strip()
        if not s or len(s) > 60:
            continue
        rest = re.sub(r"^(?:published|posted|date|issue date|sent)\s*[:\-–]?\s*", "", s, flags=re.I)
        found = parse_date(rest)
        if found and len(re.sub(r"[\d\W_]+", " ", rest).split()) <= 3:
            return "\n".join(lines[:n] + lines[n + 1:]), found
    return text, None


# ---------------------------------------------------------------- documents

def _slug(text: str, limit: int = 48) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    return slug or "item"


def issue_id_for(origin: str | None, text: str) -> str:
    """A stable issue id: the file stem or URL path slug, else a content hash."""
    if origin:
        parts = urlsplit(origin)
        if parts.scheme in ("http", "https"):
            return _slug(parts.netloc + parts.path, 80)
        return _slug(Path(origin).name.split(".")[0] if Path(origin).suffix else Path(origin).name, 80)
    return "text-" + hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:10]


def items_to_documents(items: list[Item], *, issue_id: str, url: str | None, published: str | None,
                       origin: str | None, kind: str = "newsletter") -> list[Document]:
    docs = []
    for item in items:
        slug = _slug(item.title or " ".join(item.text.split()[:8]))
        docs.append(Document(id=f"{kind}:{issue_id}/{item.index + 1:02d}-{slug}", kind=kind,
                             text=item.text, title=item.title, url=url, published=published,
                             links=list(item.links), origin=origin))
    return docs


def _is_path_like(source) -> bool:
    if isinstance(source, os.PathLike):
        return True
    if isinstance(source, str) and "\n" not in source and len(source) < 4096:
        try:
            return Path(source).is_file()
        except OSError:
            return False
    return False


def read_newsletter(source: str | os.PathLike | bytes, *, fmt: str | None = None,
                    issue_id: str | None = None, url: str | None = None,
                    published: str | None = None, origin: str | None = None,
                    kind: str = "newsletter") -> list[Document]:
    """Read one issue (a path, its text, or its bytes) and return one Document per
    item. ``fmt`` defaults to the file suffix, else is sniffed from the content.
    ``published`` defaults to the front matter ``date``, HTML meta/``<time>``, a
    date line near the top, or a ``YYYY-MM-DD-`` file-name prefix.
    Raises MalformedDocument for binary or undecodable input, SourceError if the
    file cannot be read."""
    name = None
    if _is_path_like(source):
        path = Path(source)
        name = str(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            from kg.errors import SourceError
            raise SourceError(f"{path}: cannot read: {exc}") from exc
        origin = origin or name
        fmt = fmt or _SUFFIX_FORMAT.get(path.suffix.lower())
        text = decode_bytes(data, source=name, html=fmt == "html" or fmt is None)
    elif isinstance(source, bytes):
        text = decode_bytes(source, source=origin, html=True)
    else:
        text = str(source)
    fmt = fmt or detect_format(text, origin)
    try:
        items, meta = _split(text, fmt=fmt, base_url=url)
    except MalformedDocument as exc:
        raise MalformedDocument(exc.reason, source=origin) from exc
    if published is None:
        published = parse_date(meta.get("date"))
    if published is None and name:
        m = re.match(r"(\d{4}-\d{2}-\d{2})[-_]", Path(name).name)
        if m:
            published = parse_date(m.group(1))
    if url is None and (meta.get("url") or "").startswith(("http://", "https://")):
        url = meta["url"]
    issue = issue_id or issue_id_for(origin, text)
    return items_to_documents(items, issue_id=issue, url=url, published=published, origin=origin,
                              kind=kind)
