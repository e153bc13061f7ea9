"""A one-paragraph summary of an entity written from the graph's facts (no LLM): what
it is, who made it, where it was introduced, what it builds on and what builds on it,
and how many sources say so. The entity page shows it and /ask answers "tell me
about X" with it. Input is ``GraphService.entity``'s result."""
from __future__ import annotations

from kg.identifiers import identifier_url

# (group, phrase) in the order they are told; the phrase precedes the names.
ABOUT_IT = [  # facts where the entity is the subject
    ("developed_by", "made by"), ("introduced_in", "introduced in"),
    ("authored_by", "written by"), ("built_on", "built on"), ("implements", "implementing"),
    ("uses", "using"), ("trained_on", "trained on"), ("evaluated_on", "evaluated on"),
]
AROUND_IT = [  # facts where others point at it: "<names> <phrase>"
    ("implemented_by", "implement{s} it"), ("foundation_of", "build{s} on it"),
    ("used_by", "use{s} it"), ("trained", "{is} trained on it"),
    ("evaluated", "{is} evaluated on it"),
]
OWN_WORK = [  # what it made or wrote: "It <phrase> <names>"
    ("developed", "released"), ("introduces", "introduces"), ("authored", "wrote"),
]
MAX_NAMES = 5


def summarize(entity: dict) -> str:
    lineage = entity.get("lineage") or {}
    props = entity.get("properties") or {}
    name, label = entity["name"], entity["label"]
    article = "an" if label[:1].lower() in "aeiou" else "a"
    first = f"{name} is {article} {_label_words(label)}"
    if label == "Paper" and (props.get("published") or props.get("arxiv_id")):
        when = f" published {props['published'][:10]}" if props.get("published") else ""
        arxiv = f" (arXiv {props['arxiv_id']})" if props.get("arxiv_id") else ""
        first += when + arxiv
    clauses = [f"{phrase} {_names(lineage[group])}" for group, phrase in ABOUT_IT
               if lineage.get(group)]
    sentences = [_join([first + (", " + clauses[0] if clauses else ""), *clauses[1:]]) + "."]
    own = [f"{phrase} {_names(lineage[group])}" for group, phrase in OWN_WORK
           if lineage.get(group)]
    if own:
        sentences.append(("They " if label == "Person" else "It ") + _join(own) + ".")
    around = []
    for group, phrase in AROUND_IT:
        others = lineage.get(group)
        if others:
            plural = len(others) > 1
            verb = phrase.format(s="" if plural else "s", **{"is": "are" if plural else "is"})
            around.append(f"{_names(others)} {verb}")
    if around:
        sentences.append(_join(around, ";") + ".")  # starts with a name: its own case
    sources = entity.get("sources") or []
    if sources:
        latest = sources[0]  # newest first
        title = latest.get("title") or latest.get("id")
        when = f", {latest['published'][:10]}" if latest.get("published") else ""
        count = len(sources)
        sentences.append(f"The graph has it from {count} source{'s' if count > 1 else ''}, "
                         f"the latest “{title}”{when}.")
    if not (clauses or own or around):
        sentences.insert(1, "The graph records no relations for it yet.")
    return " ".join(sentences)


def outside_links(props: dict) -> list[dict]:
    """Where to read more, from the identifiers the graph holds (never guessed from a
    name): arXiv abstract and PDF and its Hugging Face papers page, DOI, the GitHub
    repository, the PyPI project, the Hugging Face model or organization, a homepage."""
    links = []
    arxiv_id = props.get("arxiv_id")
    if arxiv_id:
        links += [{"kind": "arXiv", "url": f"https://arxiv.org/abs/{arxiv_id}"},
                  {"kind": "PDF", "url": f"https://arxiv.org/pdf/{arxiv_id}"},
                  {"kind": "Hugging Face", "url": f"https://huggingface.co/papers/{arxiv_id}"}]
    if props.get("doi"):
        links.append({"kind": "DOI", "url": f"https://doi.org/{props['doi']}"})
    for prop, kind in (("repo", "GitHub"), ("pypi", "PyPI"), ("hf_id", "Hugging Face")):
        url = identifier_url(prop, props.get(prop))
        if url:
            links.append({"kind": kind, "url": url})
    for prop in ("homepage", "url"):
        value = props.get(prop)
        if isinstance(value, str) and value.startswith(("https://", "http://")):
            links.append({"kind": "Homepage" if prop == "homepage" else "Web", "url": value})
    return links


def _label_words(label: str) -> str:
    return {"Organization": "organization", "Person": "person"}.get(label, label.lower())


def _names(others: list[dict]) -> str:
    # paper titles quoted: "introduced in “MLP-Mixer: An all-MLP …” and trained on"
    names = list(dict.fromkeys(f"“{o['name']}”" if o.get("label") == "Paper" else o["name"]
                               for o in others))
    if len(names) > MAX_NAMES:
        return ", ".join(names[:MAX_NAMES]) + f" and {len(names) - MAX_NAMES} more"
    return _join(names)


def _join(parts: list[str], sep: str = ",") -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    if sep == ";":
        return "; ".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
