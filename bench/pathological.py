"""Extraction time on pathological text vs ordinary text of the same length (issue 13).

Each input is 100,000 characters (the extractor's per-document limit): long runs of
brackets, asterisks, backticks, underscores, pipes, nested parentheses, markdown link
openers, and one word without spaces; the baseline is ordinary newsletter text from
the bundled examples repeated to the same length, measured in the same run. Prints
characters per second (median of 3) and the ratio to the baseline; the goal is that
no input is more than 3× slower than ordinary text.

  python3 bench/pathological.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.extract.pipeline import MAX_CHARS, Extractor  # noqa: E402
from kg.models import Document  # noqa: E402

INPUTS = {
    "brackets [": "[", "parentheses (": "(", "backticks `": "`", "asterisks **": "**",
    "underscores _": "_", "pipes |": "|", "nested ((x": "((x", "link openers ![](": "![](",
    "mixed [(`": "[(`", "one word, no spaces": "a",
}


def seconds(extractor: Extractor, text: str) -> float:
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        extractor.extract(Document(id="p", kind="newsletter", text=text))
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    extractor = Extractor()
    seed = (REPO / "examples" / "corpus" / "seed-issue.txt").read_text(encoding="utf-8")
    ordinary = (seed * (MAX_CHARS // len(seed) + 1))[:MAX_CHARS]
    extractor.extract(Document(id="warm", kind="newsletter", text=seed))
    base = seconds(extractor, ordinary)
    print(f"{'ordinary text (baseline)':28s} {MAX_CHARS / base:>12,.0f} chars/s")
    worst = 0.0
    for name, unit in INPUTS.items():
        text = ("PyTorch is a library. " + unit * MAX_CHARS)[:MAX_CHARS]
        s = seconds(extractor, text)
        worst = max(worst, s / base)
        print(f"{name:28s} {MAX_CHARS / s:>12,.0f} chars/s   {s / base:5.2f}x the baseline's time")
    print(f"worst: {worst:.2f}x (goal ≤ 3x)")


if __name__ == "__main__":
    main()
