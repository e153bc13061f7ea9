"""The pieces around the trained models: the catalog ablation, `kg eval`'s switches,
and the relation model's candidate pairs (item-level pairs, table cells)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from ingest.extract.catalog import load_catalog, write_without_names
from ingest.extract.components.base import state
from ingest.extract.components.relation_model import candidate_pairs, doc_candidates
from ingest.extract.pipeline import Extractor
from kg.cli import main
from kg.models import Document


def test_catalog_ablation_drops_entries_named_in_the_text(tmp_path):
    dropped = write_without_names(["We fine-tune BERT with PyTorch on SQuAD."], tmp_path)
    assert dropped >= 3
    ablated = load_catalog(tmp_path)
    assert not ablated.lookup("PyTorch") and not ablated.lookup("BERT") and not ablated.lookup("SQuAD")
    assert ablated.lookup("TensorFlow")            # not in the text: kept
    assert load_catalog().lookup("PyTorch")        # the packaged catalog is untouched


def test_kg_eval_switches_change_what_runs(tmp_path):
    gold = tmp_path / "g.gold.jsonl"
    gold.write_text(json.dumps({
        "id": "d1", "kind": "newsletter",
        "text": "Zorvik is a PyTorch based library for graph learning.",
        "entities": [{"name": "Zorvik", "type": "Library"}, {"name": "PyTorch", "type": "Library"}],
        "relations": [{"head": "Zorvik", "type": "BUILT_ON", "tail": "PyTorch"}]}) + "\n")
    full = CliRunner().invoke(main, ["eval", "--gold", str(gold)])
    rules = CliRunner().invoke(main, ["eval", "--gold", str(gold), "--rules-only"])
    ablated = CliRunner().invoke(main, ["eval", "--gold", str(gold), "--without-catalog-names"])
    for r in (full, rules, ablated):
        assert r.exit_code == 0, r.output
        assert r.output.strip().splitlines()[-1].startswith("entities P=")
    assert "catalog ablation: " in ablated.output and "left out" in ablated.output


def _doc(text, kind="newsletter", title=None):
    ex = Extractor()
    return ex.analyse(Document(id="t", kind=kind, text=text, title=title))


def test_item_level_pairs_link_the_subject_to_later_sentences():
    doc = _doc("Quellbrook is a forecasting library. It now supports Prophet-style models and runs on PyTorch.")
    ms, cands, feats = doc_candidates(doc)
    subject = state(doc).subject
    assert subject is not None and ms[subject].name == "Quellbrook"
    later = [c for c in cands if c.item]
    assert later and all(subject in (c.head, c.tail) for c in later)
    assert all(any(f.startswith("item|") for f in fs) for c, fs in zip(cands, feats) if c.item)


def test_table_cells_are_not_sentence_pairs():
    doc = _doc("| Model | Library |\n|---|---|\n| ResNet | PyTorch |", kind="docs")
    ms = state(doc).mentions
    assert {"ResNet", "PyTorch"} <= {m.name for m in ms}     # both found, in one "sentence"
    pairs = candidate_pairs(doc, ms, None)
    names = {(ms[c.head].name, ms[c.tail].name) for c in pairs if not c.item}
    assert ("PyTorch", "ResNet") not in names and ("ResNet", "PyTorch") not in names


def test_derivation_names_how_one_name_is_built_from_another():
    from ingest.extract.components.relation_model import derivation
    assert derivation("Real-QuellGAN", "QuellGAN") == "before|bound=True"
    assert derivation("QuellformerV3", "Quellformer") == "version|bound=True"
    assert derivation("Quellama-2-13B", "Quellama-2") == "size|bound=True"
    assert derivation("QuellVSR++", "QuellVSR") == "plus|bound=True"
    assert derivation("TQuellNet", "QuellNet") == "before|bound=False"   # inside a word
    assert derivation("QuellGAN", "QuellGAN") is None and derivation("QuellGAN", "Zorvik") is None
    doc = _doc("Real-QuellGAN extends QuellGAN with a second-order degradation model.")
    ms, cands, feats = doc_candidates(doc)
    derived = [(ms[c.head].name, ms[c.tail].name) for c, fs in zip(cands, feats)
               if any(f.startswith("derive=h>t|before") for f in fs)]
    assert ("Real-QuellGAN", "QuellGAN") in derived


def test_the_library_a_changelog_comes_from_is_paired_with_its_bullets():
    # "Support X" lines of mmdet3d-style changelogs: the library is named in one bullet
    # only; the document's URL says the changelog is its own
    text = ("v2.1.0 (2024-03-01)\n\n- Support Zorvinet in projects (#12)\n"
            "- Add Brisknet configs (#13)\n- Refactor Quellnet into quellkit v2 (#14)\n")
    url = "https://github.com/example/quellkit/blob/main/CHANGELOG.md"
    doc = Extractor().analyse(Document(id="t", kind="newsletter", text=text, url=url))
    ms, cands, feats = doc_candidates(doc)
    origin = [(ms[c.head].name, ms[c.tail].name) for c in cands if c.origin]
    assert ("quellkit", "Brisknet") in origin and all("quellkit" in pair for pair in origin)
    assert all(any(f.startswith("origin|") for f in fs) for c, fs in zip(cands, feats) if c.origin)
    plain = Extractor().analyse(Document(id="t", kind="newsletter", text=text))
    assert not any(c.origin for c in doc_candidates(plain)[1])     # no URL: no such pairs
