"""`kg eval` prints the same numbers as ../shared/eval/score.py on the dev set."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"


@pytest.mark.parametrize("gold_name", ["seed-newsletter.gold.jsonl", "mixed.gold.jsonl"])
def test_kg_eval_agrees_with_score_py(tmp_path, gold_name):
    gold = SHARED / "dev" / gold_name
    if not gold.exists():
        # data beside the repository, not a service: a clone without ../shared must
        # still pass, so this skips (visibly) even under CI=true
        pytest.skip(f"{gold} is absent (a clone without ../shared)")
    pred = tmp_path / "pred.jsonl"
    ours = CliRunner().invoke(main, ["eval", "--gold", str(gold), "--output", str(pred)])
    assert ours.exit_code == 0, ours.output
    theirs = subprocess.run([sys.executable, str(SHARED / "score.py"), str(gold), str(pred)],
                            capture_output=True, text=True, check=True)
    assert ours.output.strip().splitlines()[-1] == theirs.stdout.strip().splitlines()[-1]
