"""Markdown/MDX and plain text → blocks, line by line.

Markdown: YAML front matter (``parse_front_matter``), ATX/setext headings,
whole-bold lines as headings, fenced code, bullets and numbered lists (a lead
``**bold**`` or ``[link](…)`` becomes the bullet's title), block quotes. MDX
``import``/``export`` lines, Liquid tags, HTML comments and embedded
script/style/iframe elements are dropped. Inline ``[text](url)``, reference
links, autolinks, inline HTML ``<a href>`` and bare URLs become
:class:`~kg.models.Link`; the markup is removed from the text.

Plain text is the same walk without Markdown syntax, plus
:func:`promote_text_headings` (a short one-line paragraph followed by more
content is a heading).
"""
from __future__ import annotations

import html as html_lib
import re

from ingest.sources.blocks import Block, bare_links, clean, looks_like_title
from kg.models import Link

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
            links.append(Link(url, clean(anchor)))

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
    links.extend(bare_links(text, links))
    return clean(text), links


def _md_strip_emph(text: str) -> str:
    for pattern in _EMPH:
        text = pattern.sub(r"\1", text)
    return text


def _strip_markdown_noise(text: str) -> str:
    text = _COMMENT.sub("", text)
    text = _LIQUID.sub("", text)
    text = _DROP_ELEMENTS.sub("", text)
    return text


def line_blocks(text: str, *, markdown: bool) -> list[Block]:
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
        s = clean(s)
        return s, bare_links(s)

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
                    title = clean(_md_strip_emph(lead.group("b") or lead.group("l") or "")) or None
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



def promote_text_headings(blocks: list[Block]) -> list[Block]:
    """In plain text, a one-line short paragraph followed by more content is a heading."""
    out = []
    for k, block in enumerate(blocks):
        if (block.kind == "para" and k + 1 < len(blocks) and "\n" not in block.text
                and looks_like_title(block.text)):
            out.append(Block("heading", block.text, block.links, level=3))
        else:
            out.append(block)
    return out

