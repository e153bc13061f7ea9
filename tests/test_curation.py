"""Curation on both real stores: each action, precedence over the extractor through
re-ingest (same documents, changed documents, newer documents), and undo."""
from __future__ import annotations

import json

import pytest

from ingest.pipeline import Ingestor
from kg.curation import Curator, Fact
from kg.errors import CurationError, NameNotResolved
from kg.models import Document, Entity, EntityRef, Evidence, Relation

ME = "ana"


class Given:
    """Serves fixed extractions per document id (the load stage is what is tested)."""

    def __init__(self, facts: dict[str, list[tuple]]):
        self.facts = facts

    def extract_many(self, docs, workers: int = 1):
        from ingest.extract import Extraction
        for d in docs:
            ents, rels = {}, []
            for head, rtype, tail, sentence in self.facts[d.id]:
                for e in (head, tail):
                    ents[(e.label, e.key)] = e
                rels.append(Relation(rtype, EntityRef.of(head), EntityRef.of(tail),
                                     Evidence(d.id, sentence, "given", "7", 0.8)))
            yield Extraction(d.id, list(ents.values()), rels)


TORCH = Entity("Library", "PyTorch", aliases=["torch"])
JAX = Entity("Library", "JAX")
ZETA = Entity("Architecture", "ZetaNet", aliases=["Zeta Network", "ZN"])
ACME = Entity("Organization", "Acme Labs")
BETA = Entity("Organization", "Beta Corp")

FACTS = {
    "a": [(TORCH, "IMPLEMENTS", ZETA, "ZetaNet is available in PyTorch."),
          (ZETA, "DEVELOPED_BY", ACME, "ZetaNet comes from Acme Labs.")],
    "b": [(JAX, "IMPLEMENTS", ZETA, "A JAX port of ZetaNet exists."),
          (TORCH, "IMPLEMENTS", ZETA, "PyTorch has ZetaNet too.")],
    # a newer issue that repeats the rejected fact and names the merged-away entity
    "c": [(TORCH, "IMPLEMENTS", ZETA, "ZetaNet ships in PyTorch 3."),
          (ZETA, "DEVELOPED_BY", BETA, "ZN was built at Beta Corp.")],
}


def _doc(doc_id: str, text: str = "") -> Document:
    return Document(id=doc_id, kind="newsletter", text=text or f"issue {doc_id}",
                    published="2026-11-0" + str(ord(doc_id) - 96))


def _load(store, *ids: str, text: str = "") -> None:
    Ingestor(store, Given(FACTS)).ingest_documents([_doc(i, text) for i in ids])


def _impl(store, **kw):
    return {r["library"] for r in store.run_query("implementations", {"name": "ZetaNet", **kw})}


def _fact(store, head, rtype, tail):
    return Curator(store).fact(head, rtype, tail, existing=True)


def _props(store, fact: Fact):
    rows = store.read(f"MATCH (:{fact.head_label} {{key: $hk}})-[r:{fact.type}]->"
                      f"(:{fact.tail_label} {{key: $tk}}) RETURN properties(r) AS p",
                      fact.params())
    return rows[0]["p"] if rows else None


def test_rejected_fact_stays_rejected_through_reingest_and_undo_restores(graph_store):
    _load(graph_store, "a", "b")
    assert _impl(graph_store) == {"PyTorch", "JAX"}
    record = Curator(graph_store).reject_fact("PyTorch", "implements", "ZetaNet",
                                              reason="only a wrapper", author=ME)
    assert record["author"] == ME and record["before"]
    assert json.loads(record["before"]) == {"exists": True, "support": 2, "rejected": False,
                                            "asserted": False}
    fact = _fact(graph_store, "PyTorch", "IMPLEMENTS", "ZetaNet")
    assert _impl(graph_store) == {"JAX"}
    assert _impl(graph_store, include_rejected=True) == {"PyTorch", "JAX"}
    # the same documents again: nothing changes
    _load(graph_store, "a", "b")
    assert _impl(graph_store) == {"JAX"}
    # a changed document: its support is retracted and found again
    _load(graph_store, "a", text="issue a, revised")
    assert _props(graph_store, fact)["rejected"] is True
    # a newer source repeats it: support grows, visibly, and it stays rejected
    _load(graph_store, "c")
    props = _props(graph_store, fact)
    assert props["rejected"] is True and props["support"] == 3
    assert props["curated_by"] == ME and props["curation_reason"] == "only a wrapper"
    assert _impl(graph_store) == {"JAX"}
    Curator(graph_store).undo(record["id"], author="bo")
    assert _impl(graph_store) == {"PyTorch", "JAX"}
    assert "rejected" not in _props(graph_store, fact)
    log = Curator(graph_store).log()
    assert log[0]["status"] == "undone" and log[0]["undone_by"] == "bo"
    with pytest.raises(CurationError, match="undone already"):
        Curator(graph_store).undo(record["id"], author="bo")


def test_fact_rejected_when_its_only_source_is_retracted_comes_back_rejected(graph_store):
    _load(graph_store, "a")
    Curator(graph_store).reject_fact("ZetaNet", "DEVELOPED_BY", "Acme Labs", reason="no",
                                     author=ME)
    # the document changes but still states it: the relation loses its only source
    # (deleted at support 0) during the reload and is made again, unmarked; the
    # curation, applied again after the load, marks it again
    _load(graph_store, "a", text="issue a, second edition")
    rows = graph_store.run_query("developers", {"name": "ZetaNet"})
    assert rows == []
    rows = graph_store.run_query("developers", {"name": "ZetaNet", "include_rejected": "true"})
    assert [r["developer"] for r in rows] == ["Acme Labs"]


def test_asserted_fact_holds_with_no_source(graph_store):
    _load(graph_store, "a", "b")
    with pytest.raises(CurationError, match="reference"):
        Curator(graph_store).assert_fact("JAX", "DEVELOPED_BY", "Acme Labs", reference="",
                                         reason="x", author=ME)
    with pytest.raises(CurationError, match="not allowed|allows no"):
        Curator(graph_store).assert_fact("Acme Labs", "IMPLEMENTS", "JAX",
                                         reference="https://x", reason="x", author=ME)
    record = Curator(graph_store).assert_fact(
        "ZetaNet", "DEVELOPED_BY", "Acme Labs",
        reference="https://acme.example/zetanet", reason="their blog", author=ME)
    assert json.loads(record["before"])["exists"] is True
    rec2 = Curator(graph_store).assert_fact("JAX", "DEVELOPED_BY", "Acme Labs",
                                            reference="https://acme.example/jax",
                                            reason="the JAX port is theirs", author=ME)
    fact = Fact("DEVELOPED_BY", "Library", "jax", "Organization", "acmelabs")
    props = _props(graph_store, fact)
    assert props["asserted"] is True and props["support"] == 0
    assert props["reference"] == "https://acme.example/jax"
    # retract the only documents that mention JAX and Acme: the assertion holds
    graph_store.retract_source("a", delete_source=True)
    graph_store.retract_source("b", delete_source=True)
    assert _props(graph_store, fact)["asserted"] is True
    assert [r["developer"] for r in graph_store.run_query("developers", {"name": "JAX"})] \
        == ["Acme Labs"]
    _load(graph_store, "a", "b", "c")
    assert _props(graph_store, fact)["asserted"] is True
    Curator(graph_store).undo(rec2["id"], author=ME)
    assert _props(graph_store, fact) is None


def test_merge_holds_for_new_mentions_and_undo_restores(graph_store):
    _load(graph_store, "a")
    _load(graph_store, "c")
    # "c" made Beta Corp; curate: Beta Corp is Acme Labs under another name
    before_beta = graph_store.run_query("resolve", {"name": "Beta Corp"})
    assert [r["key"] for r in before_beta] == ["betacorp"]
    record = Curator(graph_store).merge("Beta Corp", "Acme Labs", reason="renamed", author=ME)
    assert [r["key"] for r in graph_store.run_query("resolve", {"name": "Beta Corp"})] \
        == ["acmelabs"]
    devs = graph_store.run_query("developers", {"name": "ZetaNet"})
    assert [r["developer"] for r in devs] == ["Acme Labs"]
    fact = Fact("DEVELOPED_BY", "Architecture", "zetanet", "Organization", "acmelabs")
    assert sorted(_props(graph_store, fact)["sources"]) == ["a", "c"]
    # a new document naming the loser: it lands on the survivor
    FACTS["d"] = [(JAX, "DEVELOPED_BY", BETA, "Beta Corp maintains JAX bindings.")]
    try:
        _load(graph_store, "d")
        assert graph_store.read("MATCH (n:Organization {key: 'betacorp'}) RETURN n.key AS k") == []
        assert [r["developer"] for r in graph_store.run_query("developers", {"name": "JAX"})] \
            == ["Acme Labs"]
        Curator(graph_store).undo(record["id"], author=ME)
        assert [r["key"] for r in graph_store.run_query("resolve", {"name": "Beta Corp"})] \
            == ["betacorp"]
        devs = {r["developer"] for r in graph_store.run_query("developers", {"name": "ZetaNet"})}
        assert devs == {"Acme Labs", "Beta Corp"}
        assert _props(graph_store, fact)["sources"] == ["a"]
        acme = graph_store.read("MATCH (n:Organization {key: 'acmelabs'}) RETURN n.aliases AS a")
        assert "Beta Corp" not in (acme[0]["a"] or [])
    finally:
        del FACTS["d"]


def test_split_rename_retype_and_reject_entity(graph_store):
    _load(graph_store, "a", "b", "c")
    c = Curator(graph_store)
    split = c.split("ZN", "ZetaNet", reason="ZN is another model", author=ME)
    zn = graph_store.run_query("resolve", {"name": "ZN"})
    assert [(r["name"], r["key"]) for r in zn] == [("ZN", "zn")]
    # the relation whose sentence names only "ZN" moved with it
    assert [r["developer"] for r in graph_store.run_query("developers", {"name": "ZN"})] \
        == ["Beta Corp"]
    # re-ingest writes ZN as ZetaNet's alias again; the split holds
    _load(graph_store, "c", text="issue c, revised")
    assert [r["key"] for r in graph_store.run_query("resolve", {"name": "ZN"})] == ["zn"]
    zeta = graph_store.read("MATCH (n:Architecture {key: 'zetanet'}) RETURN n.aliases AS a")
    assert "ZN" not in zeta[0]["a"]
    c.undo(split["id"], author=ME)
    assert [r["key"] for r in graph_store.run_query("resolve", {"name": "ZN"})] == ["zetanet"]

    rename = c.rename("ZetaNet", "Zeta-Net", reason="house style", author=ME)
    _load(graph_store, "a", text="issue a, revised")
    row = graph_store.run_query("resolve", {"name": "zetanet"})
    assert [r["name"] for r in row] == ["Zeta-Net"]
    c.undo(rename["id"], author=ME)
    assert [r["name"] for r in graph_store.run_query("resolve", {"name": "zetanet"})] \
        == ["ZetaNet"]

    retype = c.retype("Acme Labs", "person", reason="a pseudonym", author=ME)
    assert [r["label"] for r in graph_store.run_query("resolve", {"name": "Acme Labs"})] \
        == ["Person"]
    _load(graph_store, "a", text="issue a, third")   # writes Organization acmelabs again
    assert [r["label"] for r in graph_store.run_query("resolve", {"name": "Acme Labs"})] \
        == ["Person"]
    c.undo(retype["id"], author=ME)
    assert [r["label"] for r in graph_store.run_query("resolve", {"name": "Acme Labs"})] \
        == ["Organization"]

    rej = c.reject_entity("JAX", reason="not ML software", author=ME)
    assert graph_store.run_query("resolve", {"name": "JAX"}) == []
    assert _impl(graph_store) == {"PyTorch"}
    c.undo(rej["id"], author=ME)
    assert len(graph_store.run_query("resolve", {"name": "JAX"})) == 1
    assert _impl(graph_store) == {"PyTorch", "JAX"}


def test_unknown_and_ambiguous_names_list_candidates(graph_store):
    _load(graph_store, "a")
    FACTS["e"] = [(Entity("Library", "Zeta"), "BUILT_ON", TORCH, "Zeta is built on PyTorch."),
                  (Entity("Architecture", "Zeta"), "USES", ZETA, "Zeta uses ZetaNet.")]
    try:
        _load(graph_store, "e")
    finally:
        del FACTS["e"]
    c = Curator(graph_store)
    with pytest.raises(NameNotResolved) as err:
        c.entity("Zeta")
    assert {r["label"] for r in err.value.candidates} == {"Library", "Architecture"}
    assert c.entity("Library:Zeta")["label"] == "Library"
    with pytest.raises(NameNotResolved, match="no entity is called"):
        c.reject_entity("Nope Net", reason="x", author=ME)
    # the relation picks the one that holds it
    assert c.fact("Zeta", "BUILT_ON", "PyTorch", existing=True).head_label == "Library"
    with pytest.raises(CurationError, match="author"):
        c.reject_entity("PyTorch", reason="x", author=" ")


# -- the command line ----------------------------------------------------------------------
def _kg(*args: str):
    from click.testing import CliRunner
    from kg.cli import main
    return CliRunner().invoke(main, list(args))


def test_cli_curate_log_undo_why_and_changes(graph_store, store_spec):
    _load(graph_store, "a", "b")
    out = _kg("curate", "reject", "--head", "torch", "--type", "IMPLEMENTS", "--tail",
              "zeta network", "--reason", "a wrapper only", "--author", "cli-user",
              "--store", store_spec)
    assert out.exit_code == 0, out.output
    assert "reject PyTorch IMPLEMENTS ZetaNet by cli-user" in out.output
    log = _kg("curate", "log", "--format", "json", "--store", store_spec)
    records = json.loads(log.output)
    assert [r["action"] for r in records] == ["reject"]
    assert records[0]["before"]["support"] == 2 and records[0]["reason"] == "a wrapper only"
    why = _kg("why", "PyTorch", "IMPLEMENTS", "ZetaNet", "--format", "json", "--store",
              store_spec)
    data = json.loads(why.output)
    assert data["status"] == "rejected" and data["support"] == 2
    assert {s["id"] for s in data["sources"]} == {"a", "b"}
    first = next(s for s in data["sources"] if s["id"] == "a")
    assert first == {**first, "sentence": "ZetaNet is available in PyTorch.",
                     "extractor": "given", "extractor_version": "7", "confidence": 0.8,
                     "published": "2026-11-01"}
    assert data["curation"]["author"] == "cli-user"
    changes = _kg("changes", "--since", "1d", "--store", store_spec)
    assert "## Curations (1)" in changes.output and "a wrapper only" in changes.output
    undo = _kg("curate", "undo", records[0]["id"], "--author", "cli-user", "--store", store_spec)
    assert undo.exit_code == 0 and "undone by cli-user" in undo.output
    text = _kg("why", "PyTorch", "IMPLEMENTS", "ZetaNet", "--store", store_spec)
    assert "[extracted]" in text.output and "“PyTorch has ZetaNet too.”" in text.output
    assert "given 7, confidence 0.8" in text.output


def test_cli_refuses_unknown_and_ambiguous_names(graph_store, store_spec):
    _load(graph_store, "a")
    graph_store.upsert(_zeta_twins())
    unknown = _kg("curate", "merge", "Nope Net", "--into", "ZetaNet", "--store", store_spec)
    assert unknown.exit_code == 2 and "no entity is called 'Nope Net'" in unknown.output
    ambiguous = _kg("curate", "rename", "Zeta", "--to", "Zeta One", "--store", store_spec)
    assert ambiguous.exit_code == 2
    assert "candidate: Library:Zeta" in ambiguous.output
    assert "candidate: Architecture:Zeta" in ambiguous.output
    ok = _kg("curate", "rename", "library:Zeta", "--to", "Zeta One", "--store", store_spec)
    assert ok.exit_code == 0, ok.output
    bad = _kg("curate", "retype", "ZetaNet", "--label", "Gadget", "--store", store_spec)
    assert bad.exit_code == 2 and "unknown label" in bad.output


def _zeta_twins():
    from kg.models import GraphBatch
    return GraphBatch(entities=[Entity("Library", "Zeta"), Entity("Architecture", "Zeta")])


def test_rdf_export_ranks_curated_statements_with_prov_attribution(graph_store):
    import io

    import rdflib

    from kg.export.rdf import export_rdf
    _load(graph_store, "a", "b")
    c = Curator(graph_store)
    rej = c.reject_fact("PyTorch", "IMPLEMENTS", "ZetaNet", reason="wrapper", author="ana")
    c.assert_fact("JAX", "DEVELOPED_BY", "Acme Labs", reference="https://acme.example/jax",
                  reason="their port", author="bo")
    c.reject_entity("Acme Labs", reason="x", author="bo")
    c.undo(c.log()[0]["id"], author="bo")
    out = io.StringIO()
    export_rdf(graph_store, out, "turtle", page_size=2)
    g = rdflib.Graph().parse(data=out.getvalue(), format="turtle")
    rows = {(str(r.pred), str(r.rank).rsplit("#")[-1], str(r.who), str(r.act)) for r in g.query("""
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX wikibase: <http://wikiba.se/ontology#>
        PREFIX schema: <https://schema.org/>
        SELECT ?pred ?rank ?who ?act WHERE {
          ?st rdf:predicate ?pred ; wikibase:rank ?rank ; prov:wasAttributedTo ?agent ;
              prov:wasGeneratedBy ?c .
          ?agent schema:name ?who . ?c <https://mlkg.dev/ns#action> ?act .
        }""")}
    assert rows == {("https://mlkg.dev/ns#implements", "DeprecatedRank", "ana", "reject"),
                    ("https://mlkg.dev/ns#developedBy", "PreferredRank", "bo", "assert")}
    normal = list(g.query("""PREFIX wikibase: <http://wikiba.se/ontology#>
        SELECT ?st WHERE { ?st wikibase:rank wikibase:NormalRank }"""))
    assert len(normal) == 2      # JAX→ZetaNet and ZetaNet→Acme Labs, nobody curated them
    statuses = sorted(str(o) for o in g.objects(None, rdflib.URIRef("https://mlkg.dev/ns#status")))
    assert statuses == ["active", "active", "undone"]
    assert rej["id"] in out.getvalue()


def test_retype_onto_an_existing_entity_folds_and_undo_unfolds(graph_store):
    _load(graph_store, "a")
    FACTS["e"] = [(Entity("Library", "Zeta"), "BUILT_ON", TORCH, "Zeta is built on PyTorch."),
                  (Entity("Architecture", "Zeta"), "USES", ZETA, "Zeta uses ZetaNet.")]
    try:
        _load(graph_store, "e")
        c = Curator(graph_store)
        record = c.retype("Library:Zeta", "Architecture", reason="one model", author=ME)
        assert [(r["label"], r["key"]) for r in graph_store.run_query("resolve", {"name": "Zeta"})] \
            == [("Architecture", "zeta")]
        rels = {(r["relation"], r["neighbor"])
                for r in graph_store.run_query("neighbors", {"name": "Zeta"})}
        assert rels == {("BUILT_ON", "PyTorch"), ("USES", "ZetaNet")}
        _load(graph_store, "e", text="issue e, again")    # writes Library zeta again
        assert [r["label"] for r in graph_store.run_query("resolve", {"name": "Zeta"})] \
            == ["Architecture"]
        c.undo(record["id"], author=ME)
        assert sorted(r["label"] for r in graph_store.run_query("resolve", {"name": "Zeta"})) \
            == ["Architecture", "Library"]
        lib = c.fact("Library:Zeta", "BUILT_ON", "PyTorch", existing=True)
        assert lib.head_label == "Library"
    finally:
        del FACTS["e"]


def test_merge_chain_redirects_through_both(graph_store):
    FACTS["f"] = [(JAX, "DEVELOPED_BY", Entity("Organization", "Gamma Inc"),
                   "Gamma Inc wrote JAX.")]
    try:
        _load(graph_store, "a", "c", "f")
        c = Curator(graph_store)
        c.merge("Gamma Inc", "Beta Corp", reason="acquired", author=ME)
        c.merge("Beta Corp", "Acme Labs", reason="acquired", author=ME)
        _load(graph_store, "f", text="issue f, again")   # Gamma Inc written again
        assert [r["key"] for r in graph_store.run_query("resolve", {"name": "Gamma Inc"})] \
            == ["acmelabs"]
        assert [r["developer"] for r in graph_store.run_query("developers", {"name": "JAX"})] \
            == ["Acme Labs"]
        assert graph_store.read("MATCH (n:Organization) RETURN n.key AS k ORDER BY k") \
            == [{"k": "acmelabs"}]
    finally:
        del FACTS["f"]
