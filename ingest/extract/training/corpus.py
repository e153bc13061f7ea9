"""The shared training corpus (``../shared/corpus/training``): its folders, how it is
read, and which whole sources are held out from training."""
from __future__ import annotations

import json
from pathlib import Path

FOLDERS = ("newsletter-style", "arxiv", "docs", "lists")

# Held out by source (never trained on): whole files, so the split tests new sources.
HELDOUT_SOURCES = {
    "newsletter-style": ("allenai__", "facebookresearch__", "google-research__", "google__"),
    "arxiv": ("huggingface__peft", "huggingface__trl", "open-mmlab__mmocr", "open-mmlab__mmpose"),
    "docs": ("facebookresearch__fairseq", "DLR-RM__stable-baselines3"),
    "lists": ("keon__awesome-nlp", "n2cholas__awesome-jax"),
}


def read_corpus(corpus: Path) -> dict[str, list[dict]]:
    """folder -> items (with '_file'), in a stable order."""
    out: dict[str, list[dict]] = {}
    for folder in FOLDERS:
        items = []
        for path in sorted((corpus / folder).glob("*.jsonl")):
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        item = json.loads(line)
                        item["_file"] = path.name
                        items.append(item)
        out[folder] = items
    return out
