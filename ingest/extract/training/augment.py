"""Name substitution: invented names of varied shape in real sentences.

Used in training (an entity's name replaced everywhere in its document, so the
recogniser learns from context and word shape rather than memorising names) and in
the name-substitution probe (the same replacement applied to text and gold)."""
from __future__ import annotations

import random
import re
from dataclasses import replace

from ingest.extract.training.examples import PreparedDoc, Span

_ONSETS = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "qu", "r", "s", "t", "v", "z",
           "br", "cr", "dr", "fl", "gr", "kr", "pl", "pr", "st", "tr", "v", "x", "th", "sh"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "y", "ou"]
_CODAS = ["", "", "n", "r", "s", "x", "l", "m", "nt", "rk", "st", "v"]
_ARCH_HEADS = ["Net", "Former", "Mixer", "GPT", "BERT", "Diff", "LM", "ViT", "GAN", "Flow", "Seg", "Det"]
_LIB_TAILS = ["", "", "py", "lib", "kit", "torch", "flow", "ML", "JS", ".jl", "-rs", "X"]
_ORG_TAILS = ["Labs", "AI", "Research", "University", "Institute", "Inc", "Technologies", "Group"]
_DATA_TAILS = ["Bench", "QA", "-1M", "Set", "-500", "Eval", "Corpus", "-10k", "Net", "Pile"]


def syllables(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(n))


def invent_name(label: str, rng: random.Random) -> str:
    """A name that occurs nowhere, in one of the shapes real names have: plain
    capitalised, lower case, inner capitals, digits, hyphenated variants."""
    w = syllables(rng, rng.choice((1, 2, 2, 3)))
    shape = rng.random()
    if label == "Person":
        return f"{syllables(rng, 2).capitalize()} {syllables(rng, rng.choice((2, 3))).capitalize()}"
    if label == "Organization":
        return w.capitalize() if shape < 0.3 else f"{w.capitalize()} {rng.choice(_ORG_TAILS)}"
    if label == "Library":
        if shape < 0.35:
            return w + rng.choice(_LIB_TAILS)                    # lower case: corvus, quillpy
        if shape < 0.6:
            return "Py" + w.capitalize()                          # inner capital
        if shape < 0.8:
            return w.capitalize() + rng.choice(_LIB_TAILS)
        return f"{w}-{syllables(rng, 1)}"
    if label == "Dataset":
        if shape < 0.4:
            return w.capitalize() + rng.choice(_DATA_TAILS)
        if shape < 0.7:
            return w[:rng.choice((2, 3, 4))].upper() + rng.choice(_DATA_TAILS)
        return w.capitalize()
    # Architecture (and anything else)
    if shape < 0.25:
        return w.capitalize()                                     # plain capitalised
    if shape < 0.45:
        return w.capitalize() + rng.choice(_ARCH_HEADS)           # GraphMixer-like
    if shape < 0.6:
        return f"{w.capitalize()}-{rng.choice(('7B', '13B', 'XL', 'v2', 'Large', '2', 'X'))}"
    if shape < 0.75:
        return w[:rng.choice((2, 3, 4))].upper() + str(rng.randint(1, 12))   # MX3-like
    if shape < 0.87:
        return w.lower()
    return f"{w[:3].upper()}-{rng.choice(_ARCH_HEADS)}"


def replace_names(text: str, subs: list[tuple[str, str]]) -> str:
    """Every (old name → new name) of ``subs`` replaced in ``text`` where it stands as a
    whole word, longer names first ("Vision Transformer" before "Transformer")."""
    for old, new in sorted(subs, key=lambda p: -len(p[0])):
        text = re.sub(r"(?<![0-9A-Za-z])" + re.escape(old) + r"(?![0-9A-Za-z])", lambda _m, n=new: n, text)
    return text


def substitute_names(doc: PreparedDoc, rng: random.Random, p: float,
                     labels=("Architecture", "Library", "Organization", "Dataset", "Person")) -> PreparedDoc:
    """Replace each entity's name, with probability ``p``, in every one of its spans."""
    names = {s.name: s.label for s in doc.spans if s.label in labels}
    new = {n: invent_name(lab, rng) for n, lab in names.items() if rng.random() < p}
    if not new:
        return doc
    pieces, spans, pos, shift = [], [], 0, 0
    for s in doc.spans:
        if s.name in new and doc.text[s.start:s.end] != "":
            pieces.append(doc.text[pos:s.start])
            name = new[s.name]
            pieces.append(name)
            start = s.start + shift
            shift += len(name) - (s.end - s.start)
            spans.append(Span(start, start + len(name), s.label, name))
            pos = s.end
        else:
            spans.append(Span(s.start + shift, s.end + shift, s.label, s.name))
    pieces.append(doc.text[pos:])
    # optional spans only mask the loss; their offsets moved, so drop them
    optional = []
    relations = [(new.get(h, h), t, new.get(x, x)) for h, t, x in doc.relations]
    return replace(doc, text="".join(pieces), spans=spans, optional=optional, relations=relations)
