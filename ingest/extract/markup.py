"""Markup → plain text plus link annotations.

Markdown links ``[text](url)`` and HTML anchors become their text, with a
:class:`LinkSpan` recording the character offsets in the cleaned text and the
target. Images/badges, emphasis markers, quote markers, HTML tags and entities are
removed, and backslash escapes render as the character they escape;
backticked words are kept as text and recorded as ``tags`` (applied-ml lists put
the organisation in backticks); BibTeX entries are dropped. Offsets always refer to
the returned text.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LinkSpan:
    start: int
    end: int
    url: str
    text: str


@dataclass(frozen=True, slots=True)
class Cleaned:
    text: str
    links: tuple[LinkSpan, ...]
    tags: tuple[tuple[int, int], ...]  # backticked spans


_IMAGE_MD = re.compile(r"!\[[^\]\n]{0,300}\]\([^)\s]{0,500}\)")
_IMAGE_HTML = re.compile(r"<img\b[^>]{0,1000}>", re.I)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|tr|td|th|h[1-6]|section|article|table|blockquote)\b[^>]{0,1000}>", re.I)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*\b[^<>]{0,2000}>")
_ANCHOR = re.compile(r"<a\b[^>]*?href\s*=\s*[\"']([^\"']{1,2000})[\"'][^>]{0,1000}>(.{0,500}?)</a\s*>", re.I | re.S)
# [text](url) with one level of nested brackets in text; the text may wrap onto the
# next line (a title broken by the author's editor), never over a blank line
_MD_LINK = re.compile(r"\[((?:[^\[\]\n]|\n(?![ \t]*\n)|\[[^\[\]\n]*\]){1,500})\]\(\s*<?([^()\s>]{1,2000}(?:\([^()\s]*\)[^()\s>]*)?)>?(?:\s+\"[^\"]*\")?\s*\)")
# a line that ends in a comma or "and"/"by" goes on: "by A, B,\nC and D" is one list
# (replaced by a space, so offsets do not move)
_SOFT_BREAK = re.compile(r"(?:(?<=,)|(?<=\band)|(?<=\bby))\n(?=[ \t]*[^\W\d_])")
_EMPH = re.compile(r"(\*\*|__)(?=\S)|(?<=\S)(\*\*|__)")
# "*italic*" (one star each side, not inside a word: "Albert Gu*, Tri Dao*" mark equal
# contribution and stay); underscores are left alone (LaTeX subscripts, snake_case)
_ITALIC = re.compile(r"(?<![\w*])\*(?![\s*])([^*\n]{1,300}?)(?<![\s*])\*(?![\w*])")
# "**Title** [paper](arXiv link)": the bold text is the linked paper's title; it becomes a
# link to the same page, so link typing keys the Paper by its arXiv id
_BOLD_PAPER = re.compile(r"\*\*([^*\n]{10,300}?)\*\*([ \t]{0,3}(?:[-–|:,][ \t]{0,3})?)"
                         r"(\[\[?(?:paper|arxiv|pdf|abs)\]?\]\(([^()\s]*(?:arxiv\.org|huggingface\.co/papers|"
                         r"openreview\.net|aclanthology\.org|doi\.org)[^()\s]*)\))", re.I)
_TICK = re.compile(r"`([^`\n]{1,200})`")
# markdown's backslash escapes ("Edward J. Hu\\*", "ERNIE\\_3") render as the character
# itself: each is held as a private-use character through the steps that read markup
# characters (emphasis, links) and restored at the end, so "\\*" never closes emphasis
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ESCAPED_BASE = 0xF000
_UNESCAPE = {_ESCAPED_BASE + c: chr(c) for c in range(0x21, 0x7F)}
# a backslash ending a line is markdown's hard line break; "> " opens a quoted line
_HARD_BREAK = re.compile(r"\\(?=\n)")
_QUOTE = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+", re.M)
# a BibTeX entry ("please cite: @inproceedings{key, title={…}, author={Last, First and …}}")
# is a citation record, not prose: its fields read as junk names ("Lena}", "Ada")
_BIBTEX = re.compile(r"@(?:article|inproceedings|misc|techreport|book|incollection|inbook|phdthesis|"
                     r"mastersthesis|conference|online|software|unpublished)\s*\{", re.I)
_BIBTEX_MAX = 5000


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<(?:a|p|div|span|br|html|body|li|h[1-6])\b", text, re.I))


def clean(text: str) -> Cleaned:
    """Clean ``text`` and collect its links and backticked tags."""
    if looks_like_html(text):
        text = _SCRIPT.sub(" ", text)
        text = _COMMENT.sub(" ", text)
        text = _IMAGE_HTML.sub(" ", text)
        text = _ANCHOR.sub(lambda m: "[" + _TAG.sub("", m.group(2)).replace("[", "(").replace("]", ")").strip()
                           + "](" + m.group(1) + ")", text)
        text = _BLOCK_TAG.sub("\n", text)
        text = _TAG.sub("", text)
        text = html.unescape(text)
    text = _without_bibtex(text)
    text = _HARD_BREAK.sub("", text)
    text = _ESCAPE.sub(lambda m: chr(_ESCAPED_BASE + ord(m.group(1))), text)
    text = _QUOTE.sub("", text)
    text = _IMAGE_MD.sub("", text)
    text = _BOLD_PAPER.sub(lambda m: f"[{m.group(1)}]({m.group(4)}){m.group(2)}{m.group(3)}", text)
    text = _EMPH.sub("", text)
    text = _ITALIC.sub(r"\1", text)
    text = _SOFT_BREAK.sub(" ", text)
    out: list[str] = []
    links: list[LinkSpan] = []
    tags: list[tuple[int, int]] = []
    pos = 0
    length = 0
    for match in _MD_LINK.finditer(text):
        before = text[pos:match.start()]
        length = _append(out, before, tags, length)
        inner = match.group(1).strip()
        inner = re.sub(r"\s+", " ", inner)
        start = length
        length = _append(out, inner, tags, length)
        links.append(LinkSpan(start, length, match.group(2).translate(_UNESCAPE), inner.translate(_UNESCAPE)))
        pos = match.end()
    _append(out, text[pos:], tags, length)
    return Cleaned("".join(out).translate(_UNESCAPE), tuple(links), tuple(tags))


def _without_bibtex(text: str) -> str:
    """``text`` with each BibTeX entry (balanced braces, at most ``_BIBTEX_MAX``
    characters) replaced by a line break. One pass: a scan that finds no closing brace
    is not started again inside what it read, so the cost stays linear."""
    if "@" not in text:
        return text
    out, pos, scanned = [], 0, 0
    for match in _BIBTEX.finditer(text):
        if match.start() < scanned:
            continue
        depth, k, stop = 1, match.end(), min(len(text), match.end() + _BIBTEX_MAX)
        while k < stop and depth:
            ch = text[k]
            depth += (ch == "{") - (ch == "}")
            k += 1
        scanned = k
        if depth == 0:
            out.append(text[pos:match.start()])
            out.append("\n")
            pos = k
    out.append(text[pos:])
    return "".join(out)


def _append(out: list[str], piece: str, tags: list[tuple[int, int]], length: int) -> int:
    """Append ``piece`` with backticks removed, recording backticked spans."""
    last = 0
    for match in _TICK.finditer(piece):
        chunk = piece[last:match.start()]
        out.append(chunk)
        length += len(chunk)
        inner = match.group(1)
        tags.append((length, length + len(inner)))
        out.append(inner)
        length += len(inner)
        last = match.end()
    rest = piece[last:]
    out.append(rest)
    return length + len(rest)
