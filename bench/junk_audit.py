"""Junk audit: the share of a graph's entity nodes that fall in a junk class.

    python3 bench/junk_audit.py --store PATH|bolt://… [--format table|json] [--examples 5]

Classes (a node may fall in several; ``junk`` counts it once):

* ``fragment``: sentence punctuation inside or at the end ("LLaMA2-13B. We", "mIoU. We", "ViT.")
* ``heading``: a section heading ("Results", "References", "What's new?"), above all as a Paper
* ``url_part``: pieces of links ("abs/1909.08053", "pdf/2211.06687.pdf", "github.com/…")
* ``user_name``: handles ("@karpathy", "lucidrains", "john_doe42") as people or organizations
* ``unit_hardware``: units, number formats and chips as artifacts ("FP32", "kHz", "TPUv4", "A100")
* ``month``: month and weekday names ("March", "Tuesday")
* ``discourse``: discourse and stop words ("Lastly", "Things", "However")
* ``person_typed_otherwise``: a non-Person node named like a known person (a Person node of the
  graph or the catalog, or a given name of one followed by a capitalized surname)

The classes are patterns on the name, not judgements of the schema: the figure users
feel is the hand-judged node precision; this one is cheap, repeatable and tracks junk.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))   # before bench/, whose ingest.py would shadow the package

CLASSES = ("fragment", "heading", "url_part", "user_name", "unit_hardware", "month", "discourse",
           "person_typed_otherwise")

_ABBREV_END = re.compile(r"\b(?:Inc|Ltd|Co|Corp|Jr|Sr|St|al|vs|etc|No|Dr|Mr|Ms|Prof)\.$")
_INITIAL = re.compile(r"\b([A-Z])\.(?=\s)")
_FRAGMENT = re.compile(r"[.!?;]\s+\S|[.;:,]$|^[^\w(\[\"'@#$]")
HEADINGS = {
    "abstract", "introduction", "background", "related work", "related works", "method", "methods",
    "methodology", "approach", "experiments", "experimental setup", "experimental results", "results",
    "evaluation", "discussion", "conclusion", "conclusions", "limitations", "future work", "references",
    "bibliography", "acknowledgements", "acknowledgments", "appendix", "citation", "citations",
    "overview", "summary", "usage", "installation", "getting started", "quickstart", "quick start",
    "examples", "example", "tutorial", "tutorials", "faq", "contents", "table of contents", "news",
    "what's new", "whats new", "changelog", "release notes", "license", "contributing", "resources",
    "documentation", "model details", "model description", "training", "inference", "features",
    "highlights", "key features", "requirements", "setup", "notes", "links", "contact", "team",
}
_URL_PART = re.compile(r"https?:|www\.|\.(?:com|org|io|ai|net|html?|pdf)\b|(?:^|/)(?:abs|pdf|blob|tree)/"
                       r"|\b\d{4}\.\d{4,5}(?:v\d+)?\b|^[\w.-]+/[\w./-]+$", re.I)
_HANDLE = re.compile(r"^@\w+|^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*\d*$")
UNITS = {
    "fp8", "fp16", "fp32", "fp64", "bf16", "bfloat16", "float16", "float32", "int4", "int8", "tf32",
    "hz", "khz", "mhz", "ghz", "kb", "mb", "gb", "tb", "pb", "ms", "flops", "gflops", "tflops",
    "pflops", "fps", "dpi", "gpu", "gpus", "cpu", "cpus", "tpu", "tpus", "npu", "ram", "vram",
}
_HARDWARE = re.compile(r"^(?:tpu\s?v?\d+\w*|[akvhlbt]\d{2,3}(?:\s?(?:gpu|sxm|pcie|\d+gb))?|rtx\s?\d{4}\w*|"
                       r"gtx\s?\d{3,4}\w*|\d+(?:\.\d+)?\s?(?:bit|bits|b|gb|mb|k|m|hz|khz|ms|x))$", re.I)
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
          "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
          "saturday", "sunday"}
DISCOURSE = {
    "lastly", "firstly", "secondly", "finally", "however", "moreover", "furthermore", "additionally",
    "also", "overall", "note", "notes", "here", "there", "this", "these", "those", "that", "today",
    "recently", "thanks", "welcome", "things", "thing", "stuff", "other", "others", "more", "new",
    "next", "then", "first", "second", "third", "meanwhile", "instead", "similarly", "indeed",
    "importantly", "interestingly", "specifically", "besides", "hence", "thus", "therefore", "yes",
    "no", "ok", "okay", "hi", "hello", "please", "update", "updates", "bonus", "tl;dr", "tldr",
    "we", "our", "it", "they", "you", "i", "he", "she",
}


def _norm(name: str) -> str:
    return " ".join(name.casefold().replace("’", "'").split()).rstrip("?!:. ")


def classify(label: str, name: str, *, person_names: frozenset[str] = frozenset(),
             given_names: frozenset[str] = frozenset()) -> set[str]:
    """The junk classes a node (label, name) falls in; empty for a clean name."""
    out: set[str] = set()
    text = " ".join(name.split())
    low = _norm(text)
    # a person's middle initial ("Alexei A. Efros") is not a sentence's full stop
    punct = _INITIAL.sub(r"\1", text) if label == "Person" else text
    if _FRAGMENT.search(punct) and not _ABBREV_END.search(text) and not re.search(r"\d\.\d", text[-4:]):
        out.add("fragment")
    if low in HEADINGS or (label == "Paper" and text.endswith("?") and len(text.split()) <= 4):
        out.add("heading")
    if _URL_PART.search(text):
        out.add("url_part")
    if label in {"Person", "Organization"} and " " not in text and _HANDLE.match(text) \
            and (text.startswith("@") or any(c.isdigit() or c in "_-" for c in text) or text.islower()):
        out.add("user_name")
    if label != "Organization" and (low in UNITS or _HARDWARE.match(low)):
        out.add("unit_hardware")
    if low in MONTHS:
        out.add("month")
    if low in DISCOURSE:
        out.add("discourse")
    if label != "Person":
        words = text.split()
        if low in person_names or (2 <= len(words) <= 3 and words[0].casefold() in given_names
                                    and all(w[:1].isupper() for w in words) and not any(
                                        c.isdigit() for c in text)):
            out.add("person_typed_otherwise")
    return out


def person_lexicon(nodes: list[dict]) -> tuple[frozenset[str], frozenset[str]]:
    """Known person names (the graph's Person nodes and the catalog's people) and the given
    names that begin at least two of them."""
    from ingest.extract.catalog import get_catalog
    catalog = get_catalog()
    # a graph Person the catalog knows as something else is the mistyped one, not a person
    names = {_norm(n["name"]) for n in nodes if n["label"] == "Person"
             and not any(e.label != "Person" for e in catalog.lookup(n["name"]))}
    names |= {_norm(e.name) for e in catalog.entries if e.label == "Person"}
    firsts = Counter(n.split()[0] for n in names if len(n.split()) >= 2)
    return frozenset(names), frozenset(f for f, c in firsts.items() if c >= 2 and len(f) >= 3)


def audit(nodes: list[dict], examples: int = 5) -> dict:
    """Counts and shares per class and label for nodes ``[{"label", "name"}]``."""
    person_names, given = person_lexicon(nodes)
    per_class: Counter = Counter()
    per_label: dict[str, Counter] = {}
    samples: dict[str, list[str]] = {c: [] for c in CLASSES}
    junk = 0
    for node in nodes:
        classes = classify(node["label"], node["name"], person_names=person_names, given_names=given)
        lab = per_label.setdefault(node["label"], Counter())
        lab["nodes"] += 1
        if classes:
            junk += 1
            lab["junk"] += 1
        for c in classes:
            per_class[c] += 1
            if len(samples[c]) < examples:
                samples[c].append(f"{node['label']}: {node['name']}")
    total = len(nodes)
    share = lambda n: round(n / total, 4) if total else 0.0
    return {"nodes": total, "junk": junk, "junk_share": share(junk),
            "classes": {c: {"count": per_class[c], "share": share(per_class[c]), "examples": samples[c]}
                        for c in CLASSES},
            "by_label": {lab: {"nodes": c["nodes"], "junk": c["junk"],
                               "share": round(c["junk"] / c["nodes"], 4) if c["nodes"] else 0.0}
                         for lab, c in sorted(per_label.items())},
            "heading_papers": sum(1 for n in nodes if n["label"] == "Paper"
                                  and "heading" in classify(n["label"], n["name"]))}


def entity_nodes(store, page: int = 5000) -> list[dict]:
    """Every entity node's label and name, through the ``export_nodes`` named query."""
    out, skip = [], 0
    while True:
        rows = store.run_query("export_nodes", {"skip": skip, "limit": page})
        out += [{"label": r["label"], "name": (r["props"] or {}).get("name") or r["key"]} for r in rows]
        if len(rows) < page:
            return out
        skip += page


def _table(report: dict) -> str:
    lines = [f"entity nodes {report['nodes']}, junk {report['junk']} ({report['junk_share']:.1%}); "
             f"Paper nodes from headings: {report['heading_papers']}", "",
             f"{'class':<24}{'nodes':>7}{'share':>8}  examples"]
    for c, row in report["classes"].items():
        lines.append(f"{c:<24}{row['count']:>7}{row['share']:>8.1%}  {'; '.join(row['examples'])}")
    lines += ["", f"{'label':<24}{'nodes':>7}{'junk':>7}{'share':>8}"]
    for lab, row in report["by_label"].items():
        lines.append(f"{lab:<24}{row['nodes']:>7}{row['junk']:>7}{row['share']:>8.1%}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", help="store path or bolt:// URI (default: MLKG_STORE or the user data dir)")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--examples", type=int, default=5)
    args = parser.parse_args(argv)
    import os
    from kg.store import open_store
    password = os.environ.get("NEO4J_PASSWORD")
    store = open_store(args.store or os.environ.get("MLKG_STORE"),
                       neo4j_auth=(os.environ.get("NEO4J_USER", "neo4j"), password) if password else None)
    try:
        report = audit(entity_nodes(store), examples=args.examples)
    finally:
        store.close()
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.format == "json" else _table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
