"""kg eval's vendored scorer agrees with ../shared/eval/score.py on the dev set."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"


@pytest.mark.skipif(not (SHARED / "score.py").exists() and not os.environ.get("CI"),
                    reason="../shared/eval is absent (fresh clone outside CI)")
def test_agreement_with_score_py(tmp_path):
    from kg.cli.extract import _doc_from_json
    from ingest.extract import to_contract_json, scoring
    from ingest.extract.pipeline import Extractor
    gold_path = SHARED / "dev" / "seed-newsletter.gold.jsonl"
    gold = scoring.read_jsonl(str(gold_path))
    ex = Extractor()
    pred_path = tmp_path / "pred.jsonl"
    preds = {}
    with open(pred_path, "w") as fh:
        for d in gold.values():
            p = to_contract_json(ex.extract(_doc_from_json(d)))
            preds[p["id"]] = p
            fh.write(json.dumps(p) + "\n")
    ent, rel, _, _ = scoring.score(gold, preds, 0)
    ours = scoring.summary(ent, rel)
    out = subprocess.run([sys.executable, str(SHARED / "score.py"), str(gold_path), str(pred_path)],
                         capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    assert out.startswith(ours)
