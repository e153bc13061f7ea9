"""The cue files are data with an id per cue, and every pattern compiles."""
from __future__ import annotations

import re

from ingest.extract.components.base import load_json


def test_every_relation_cue_has_a_unique_id_naming_its_relation():
    cues = load_json("relation_cues.json")["between"]
    ids = [c["id"] for c in cues]
    assert len(ids) == len(set(ids))
    for cue in cues:
        assert cue["id"].split(":")[0] == cue["type"].lower().replace("_", "-")
        re.compile(cue["re"])


def test_document_cues_and_library_verbs_compile():
    for key, pattern in load_json("relation_doc_cues.json").items():
        if not key.startswith("_"):
            re.compile(pattern)
    verbs = load_json("entity_cues.json")["library_verbs"]
    assert verbs and all(v == v.lower() for v in verbs)


def test_a_relation_found_by_a_cue_records_the_cue_id():
    from ingest.extract.pipeline import build_pipeline
    from ingest.extract.components.base import state
    nlp = build_pipeline(learned=False)
    doc = nlp("Meta open sources Zorvik, a library for fast graph sampling.")
    cues = {h.cue for h in state(doc).relations}
    ids = {c["id"] for c in load_json("relation_cues.json")["between"]}
    assert cues and cues <= ids | {"model"}
