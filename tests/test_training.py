"""The training corpus machinery: standoff annotations, the hash check, the reader
spaCy trains from, name substitution, and short real training runs (NER and
relation model) on the repository's own fixture corpus (tests/fixtures/training)."""
from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
import spacy

from ingest.extract.training.augment import invent_name, substitute_names
from ingest.extract.training.examples import load_prepared
from ingest.extract.training.standoff import CorpusError, find_spans, load_texts, read_standoff

FIXTURES = Path(__file__).parent / "fixtures" / "training"
CORPUS, ANNOTATIONS = FIXTURES / "corpus", FIXTURES / "annotations"
CONFIG = Path(__file__).resolve().parent.parent / "ingest" / "extract" / "training" / "ner.cfg"


def test_find_spans_respects_word_boundaries():
    text = "BERT and RoBERTa; BERT-large uses BERT."
    assert [text[s:e] for s, e in find_spans(text, "BERT")] == ["BERT", "BERT", "BERT"]
    assert find_spans(text, "BERT")[1] == (18, 22)      # the BERT of BERT-large, not RoBERTa's
    assert find_spans(text, "ERT") == []


def test_standoff_reads_and_checks_hashes(tmp_path):
    docs = read_standoff(ANNOTATIONS)
    assert {d.id for d in docs} == {f"fx-{k}" for k in range(1, 7)}
    assert {d.split for d in docs} == {"train", "heldout"}
    items = load_texts(CORPUS, docs)
    assert items["fx-1"]["title"] == "Quillmorph 0.3"
    # a changed text is refused, not silently mis-aligned
    changed = tmp_path / "corpus" / "newsletter-style"
    changed.mkdir(parents=True)
    lines = (CORPUS / "newsletter-style" / "mlkg-authored.jsonl").read_text().splitlines()
    row = json.loads(lines[0])
    row["text"] = row["text"].replace("graph", "GRAPH")
    (changed / "mlkg-authored.jsonl").write_text("\n".join([json.dumps(row)] + lines[1:]) + "\n")
    with pytest.raises(CorpusError, match="fx-1"):
        load_texts(tmp_path / "corpus", docs)
    # and a missing document is an error too
    (changed / "mlkg-authored.jsonl").write_text("\n".join(lines[1:]) + "\n")
    with pytest.raises(CorpusError, match="not in"):
        load_texts(tmp_path / "corpus", docs)


def test_prepared_docs_carry_spans_in_cleaned_text():
    docs = {d.id: d for d in load_prepared(ANNOTATIONS, CORPUS)}
    assert "fx-6" not in docs                            # the held-out split is never read
    d = docs["fx-4"]                                     # a markdown link: cleaned, span kept
    assert "](" not in d.text
    got = {(d.text[s.start:s.end], s.label) for s in d.spans}
    assert {("Frostvane", "Library"), ("JAX", "Library"), ("Ostrava Institute", "Organization")} <= got
    paper = docs["fx-5"]
    assert ("Pellucid: Seeing Through Occlusion", "Paper") in {(paper.text[s.start:s.end], s.label)
                                                                for s in paper.spans}


def test_substitution_renames_consistently_and_keeps_alignment():
    d = next(x for x in load_prepared(ANNOTATIONS, CORPUS) if x.id == "fx-1")
    new = substitute_names(d, random.Random(3), p=1.0)
    assert "Quillmorph" not in new.text and "Veltrix Labs" not in new.text
    for s in new.spans:
        assert new.text[s.start:s.end] == s.name        # every span still points at its name
    lib = {s.name for s in new.spans if s.label == "Library"}
    assert len([s for s in new.spans if s.name in lib and s.label == "Library"]) >= 2
    rel_names = {h for h, _t, _x in new.relations} | {x for _h, _t, x in new.relations}
    assert rel_names <= {s.name for s in new.spans}


def test_invented_names_have_varied_shapes():
    rng = random.Random(0)
    names = [invent_name("Architecture", rng) for _ in range(200)]
    assert any(n.islower() for n in names)
    assert any(any(c.isdigit() for c in n) for n in names)
    assert any("-" in n for n in names)
    assert any(n[:1].isupper() and n[1:].islower() for n in names)


def test_config_and_reader_load_and_align():
    import ingest.extract.training.registry  # noqa: F401
    from ingest.extract.training.registry import create_reader
    config = spacy.util.load_config(CONFIG)
    assert config["components"]["ner"]["factory"] == "ner"
    nlp = spacy.util.load_model_from_config(config, auto_fill=True)
    examples = list(create_reader(str(ANNOTATIONS), str(CORPUS), part="train", dev_share=0.0)(nlp))
    assert len(examples) == 5
    ex = next(e for e in examples if "Brimble" in e.reference.text)
    ents = {(e.text, e.label_) for e in ex.reference.ents}
    assert ("Brimble", "Library") in ents and ("LibriSpeech", "Dataset") in ents


@pytest.mark.slow
def test_one_short_training_run_of_both_components(tmp_path):
    from ingest.extract.training.__main__ import main as train_main
    from ingest.extract.pipeline import Extractor, build_pipeline
    from kg.models import Document
    # one pretraining epoch, two-step NER runs (the shipped one and the cross-fitted
    # ones), the mention scorer and a relation model fit on the fixture corpus
    train_main(["all", "--annotations", str(ANNOTATIONS), "--corpus", str(CORPUS),
                "--out", str(tmp_path), "--steps", "2", "--pretrain-epochs", "1",
                "--pretrained", str(tmp_path / "tok2vec.bin"), "--folds-dir", str(tmp_path / "folds")])
    assert (tmp_path / "tok2vec.bin").stat().st_size > 0
    assert (tmp_path / "ner" / "config.cfg").exists() and (tmp_path / "relations.npz").exists()
    # the cross-fitted recognisers, and the mention scorer trained on what they found
    assert (tmp_path / "folds" / "f0" / "ner" / "config.cfg").exists()
    assert (tmp_path / "folds" / "f1" / "ner" / "config.cfg").exists()
    assert (tmp_path / "mentions.npz").exists()
    nlp = build_pipeline(models_dir=str(tmp_path))
    assert {"mlkg_ner", "mlkg_learned_names_v1", "mlkg_mention_scorer_v1",
            "mlkg_relation_model_v1"} <= set(nlp.pipe_names)
    out = Extractor(nlp).extract(Document(id="x", kind="newsletter", text="Quillmorph is a PyTorch library."))
    assert out.error is None
    shutil.rmtree(tmp_path / "ner")


def test_the_mention_scorers_renamed_reading_renames_text_and_annotations_alike():
    from ingest.extract.training.train_mentions import gold_keys, renamed
    d = next(x for x in load_prepared(ANNOTATIONS, CORPUS) if x.id == "fx-1")
    item, new = renamed(d, random.Random(5), p=1.0)
    text = (item.get("title") or "") + "\n" + item["text"]
    old_names = {name for label, name, _s, opt in d.entities if label != "Paper" and not opt}
    assert old_names and not any(n in text for n in old_names)
    keys, _optional, n = gold_keys(new)
    assert n == len([e for e in d.entities if not e[3]])
    for label, name, _surfaces, opt in new.entities:
        if label != "Paper" and not opt:
            assert name in text and (label, "".join(c for c in name.casefold() if c.isalnum())) in keys
    assert item is not d.source and d.source["text"] != item["text"]     # the corpus item is untouched


def test_name_level_f1_counts_each_name_once_and_every_unproposed_entity_as_missed():
    from ingest.extract.training.train_mentions import name_level_f1
    names = [("Library", "zorvik"), ("Library", "zorvik"), ("Architecture", "fp32")]
    # one annotated name proposed twice (one decision, its best score), one junk name,
    # and a document with 2 annotated entities: 1 tp, 0 fp (junk below threshold), 1 fn
    f1 = name_level_f1([0.9, 0.2, 0.1], [1, 1, 0], ["d"] * 3, names, {"d": 2}, threshold=0.5)
    assert f1 == 2 * 1 / (2 * 1 + 0 + 1)
    # everything kept: the junk name is a false positive
    assert name_level_f1([1.0] * 3, [1, 1, 0], ["d"] * 3, names, {"d": 2}, threshold=0.5) == 2 / (2 + 1 + 1)


def test_precise_cues_are_the_measured_ones():
    from ingest.extract.training.train_mentions import precise_cues
    cues = ["head-noun:library|Library"] * 20 + ["head-noun:methods|Architecture"] * 30 + ["is-a|Dataset"] * 5 + [""]
    y = [1] * 19 + [0] + [1] * 3 + [0] * 27 + [1] * 5 + [1]
    got = precise_cues(cues, y)
    assert got == {"head-noun:library|Library"}     # 95 % of 20; "methods" 10 %; "is-a" too rare


def test_relation_labels_reach_names_that_only_occur_inside_a_title():
    # "Quorvex" is annotated only inside its paper's title, so it has no span of its
    # own; a pair on it must still be labelled with the annotated relation, not NONE
    from ingest.extract.training.examples import PreparedDoc, Span
    from ingest.extract.training.train_relations import _gold_names
    title = "Quorvex: Sparse Mixing for Tabular Data"
    doc = PreparedDoc("d", "arxiv", "train", "arxiv", title + "\n\nWe test on Kaldera.", {},
                      spans=[Span(0, len(title), "Paper", title)],
                      entities=[("Paper", title, frozenset({title}), False),
                                ("Architecture", "Quorvex", frozenset({"Quorvex"}), False)],
                      relations=[(title, "INTRODUCES", "Quorvex")])
    keys = _gold_names(doc)
    assert keys["quorvex"] == "Quorvex" and keys["quorvexsparsemixingfortabulardata"] == title
