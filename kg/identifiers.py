"""Outside identifiers of an entity: a GitHub repository (``repo``, "owner/name"), a PyPI
project (``pypi``, the PEP 503 normalized name) and a Hugging Face id (``hf_id``,
"org/model" for a model, "org" for an organization).

They come only from what a text links to or says (``ingest/extract/components/links.py``),
never from a name. They are node properties: shown as links, exported to RDF and found by
search — never a reason to merge two nodes (resolution goes by names alone).
"""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

IDENTIFIER_PROPS = ("repo", "pypi", "hf_id")

_PEP508_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_SEGMENT = re.compile(r"^[A-Za-z0-9](?:[\w.-]*[A-Za-z0-9_])?$")
_REPO = re.compile(r"^[\w.-]+/[\w.-]+$")
# first path segments of huggingface.co that are the site's own pages, not an owner
HF_RESERVED = frozenset({
    "docs", "papers", "blog", "spaces", "datasets", "learn", "models", "collections",
    "organizations", "tasks", "posts", "join", "login", "pricing", "settings", "new",
    "enterprise", "chat", "api", "course", "transformers", "inference-api", "inference-endpoints",
    "support", "terms-of-service", "privacy", "huggingface", "search", "notifications",
    "new-dataset", "new-space", "welcome", "changelog", "sitemap.xml", "front", "static-proxy",
    "pro", "hub", "storage", "leaderboard", "open-source", "brand", "jobs", "contact",
})


def pypi_name(name: str) -> str | None:
    """The PEP 503 normalized form of a project name ("Foo_Bar.baz" → "foo-bar-baz"), or
    None for a string that is no valid project name (PEP 508)."""
    name = (name or "").strip()
    if not _PEP508_NAME.match(name):
        return None
    return re.sub(r"[-_.]+", "-", name).lower()


def pypi_from_url(url: str) -> str | None:
    """``https://pypi.org/project/NAME/…`` → the normalized NAME."""
    parts = urlsplit(url if "//" in url else "https://" + url)
    host = (parts.hostname or "").lower()
    if host not in {"pypi.org", "www.pypi.org", "pypi.python.org"}:
        return None
    segments = [s for s in unquote(parts.path).split("/") if s]
    if len(segments) >= 2 and segments[0] in {"project", "pypi"}:
        return pypi_name(segments[1])
    return None


def hf_from_url(url: str) -> str | None:
    """``https://huggingface.co/ORG/MODEL`` → "ORG/MODEL"; ``https://huggingface.co/ORG``
    → "ORG"; None for the site's own pages (docs, papers, datasets, spaces, …) and for
    deeper paths other than a model's files (``/tree/…``, ``/blob/…``)."""
    parts = urlsplit(url if "//" in url else "https://" + url)
    host = (parts.hostname or "").lower()
    if host not in {"huggingface.co", "www.huggingface.co", "hf.co"}:
        return None
    segments = [s for s in unquote(parts.path).split("/") if s]
    if not segments or segments[0].lower() in HF_RESERVED:
        return None
    if len(segments) > 2 and segments[2] not in {"tree", "blob", "resolve", "discussions"}:
        return None
    segments = segments[:2]
    if not all(_SEGMENT.match(s) for s in segments):
        return None
    return "/".join(segments)


def valid(prop: str, value) -> bool:
    """Whether a stored identifier value may be turned into a URL."""
    if not isinstance(value, str):
        return False
    if prop == "repo":
        return bool(_REPO.match(value))
    if prop == "pypi":
        return pypi_name(value) == value
    if prop == "hf_id":
        segments = value.split("/")
        return 1 <= len(segments) <= 2 and all(_SEGMENT.match(s) for s in segments)
    return False


def identifier_url(prop: str, value) -> str | None:
    """The page an identifier names, or None for a value that is not one."""
    if not valid(prop, value):
        return None
    return {"repo": f"https://github.com/{value}",
            "pypi": f"https://pypi.org/project/{value}/",
            "hf_id": f"https://huggingface.co/{value}"}[prop]


def search_params(q: str) -> dict:
    """Parameters that let the ``search`` query find a node by an identifier the user
    typed or pasted: ``q_ids`` (exact repo / Hugging Face id candidates, also from a
    github.com or huggingface.co URL) and ``q_pypi`` (a normalized PyPI name, also from a
    pypi.org URL or "pip install NAME")."""
    text = (q or "").strip()
    ids: list[str] = []
    pypi = None
    if re.search(r"(?:github\.com|huggingface\.co|hf\.co|pypi\.org)/", text, re.I):
        hf = hf_from_url(text)
        pypi = pypi_from_url(text)
        m = re.search(r"github\.com/([\w.-]+/[\w.-]+)", text, re.I)
        if m:
            repo = m.group(1)
            ids.append(repo[:-4] if repo.endswith(".git") else repo)
        if hf:
            ids.append(hf)
    else:
        text = re.sub(r"^pip3?\s+install\s+", "", text, flags=re.I)
        ids.append(text)
        pypi = pypi_name(text)
    ids += [i.lower() for i in ids if i.lower() != i]
    return {"q_ids": ids or [""], "q_pypi": pypi or ""}
