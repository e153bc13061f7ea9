"""RDF exports (Turtle, JSON-LD) with a small vocabulary reusing schema.org and PROV-O.

Vocabulary (prefix ``mlkg:`` = ``https://mlkg.dev/ns#``)
---------------------------------------------------------
Entities are ``https://mlkg.dev/id/<Label>/<key>``, typed ``mlkg:<Label>``, ``prov:Entity``
and the closest schema.org class:

=============  ===========================
Paper          schema:ScholarlyArticle
Library        schema:SoftwareSourceCode
Organization   schema:Organization
Person         schema:Person
Dataset        schema:Dataset
Architecture   schema:CreativeWork (mlkg:Architecture)
=============  ===========================

Properties: ``schema:name``, ``schema:alternateName`` (aliases), ``schema:identifier``
(the mlkg key), ``mlkg:arxivId``, ``schema:codeRepository`` (repo), ``mlkg:firstSeen``,
``mlkg:lastSeen``; other stored properties as ``mlkg:<property>``. An outside identifier
(``pypi``, ``hf_id``) is a ``schema:identifier`` ``schema:PropertyValue`` (``<entity>#pypi``:
``schema:propertyID`` "pypi" / "hf_id", ``schema:value``, ``schema:url``) and an
``owl:sameAs`` to its page (``https://pypi.org/project/NAME/``, ``https://huggingface.co/ID``).

Relations are direct triples with ``mlkg:implements``, ``mlkg:builtOn``, ``mlkg:uses``,
``mlkg:developedBy``, ``mlkg:introduces``, ``mlkg:authoredBy`` (also ``schema:author``),
``mlkg:trainedOn``, ``mlkg:evaluatedOn``; each is also described by an
``rdf:Statement`` (``https://mlkg.dev/statement/…``) carrying ``mlkg:support``,
``mlkg:confidence``, ``mlkg:evidence`` (sentences), ``mlkg:extractor``,
``prov:wasDerivedFrom`` (its sources), ``mlkg:firstSeen`` / ``mlkg:lastSeen``.

Curation (``kg curate``): a curated statement carries ``wikibase:rank`` —
``wikibase:DeprecatedRank`` when a person rejected it, ``wikibase:PreferredRank`` when
one asserted it, else ``wikibase:NormalRank`` — with ``prov:wasAttributedTo`` the
curator (``https://mlkg.dev/agent/<name>``, a ``prov:Agent``), ``prov:wasGeneratedBy``
the curation and ``mlkg:reference``; a rejected entity has the deprecated rank too. Each
curation record is ``https://mlkg.dev/curation/<id>``: ``prov:Activity`` and
``mlkg:Curation`` with ``mlkg:action``, ``mlkg:status`` (active, undone),
``prov:wasAttributedTo``, ``prov:endedAtTime``, ``mlkg:reason``, ``mlkg:reference``,
``prov:used`` (the entity or statement it curates) and ``mlkg:overrode`` (the state it
replaced, as JSON).

Sources are ``https://mlkg.dev/source/<id>``: ``prov:Entity`` and ``schema:CreativeWork``
with ``schema:url``, ``schema:datePublished``, ``schema:name`` (title), ``mlkg:kind``,
``mlkg:contentHash`` and ``schema:mentions`` for every entity they mention.

Streaming: each page of nodes/edges becomes a small rdflib graph serialized on its
own, so the export never holds the whole graph twice. Turtle allows a prefix to
be declared again, so concatenated pages are one valid document; JSON-LD pages
are written as items of one ``@graph``.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO
from urllib.parse import quote

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, PROV, SDO, XSD

from kg.export import pages
from kg.identifiers import identifier_url

MLKG = Namespace("https://mlkg.dev/ns#")
ID = "https://mlkg.dev/id/"
SOURCE = "https://mlkg.dev/source/"
STATEMENT = "https://mlkg.dev/statement/"
CURATION = "https://mlkg.dev/curation/"
AGENT = "https://mlkg.dev/agent/"
WIKIBASE = Namespace("http://wikiba.se/ontology#")

CLASSES = {"Paper": SDO.ScholarlyArticle, "Library": SDO.SoftwareSourceCode,
           "Organization": SDO.Organization, "Person": SDO.Person, "Dataset": SDO.Dataset,
           "Architecture": SDO.CreativeWork}
PREDICATES = {"IMPLEMENTS": MLKG.implements, "BUILT_ON": MLKG.builtOn, "USES": MLKG.uses,
              "DEVELOPED_BY": MLKG.developedBy, "INTRODUCES": MLKG.introduces,
              "AUTHORED_BY": MLKG.authoredBy, "TRAINED_ON": MLKG.trainedOn,
              "EVALUATED_ON": MLKG.evaluatedOn}
EXTRA_PREDICATES = {"AUTHORED_BY": SDO.author}
PREFIXES = {"mlkg": MLKG, "schema": SDO, "prov": PROV, "xsd": XSD, "wikibase": WIKIBASE,
            "owl": OWL}
JSONLD_CONTEXT = {p: str(ns) for p, ns in PREFIXES.items()} | {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
FORMATS = {"turtle": "turtle", "ttl": "turtle", "jsonld": "json-ld", "json-ld": "json-ld"}


def entity_iri(label: str, key: str) -> URIRef:
    return URIRef(f"{ID}{quote(label, safe='')}/{quote(key, safe='')}")


def source_iri(source_id: str) -> URIRef:
    return URIRef(f"{SOURCE}{quote(source_id, safe='')}")


def _graph() -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    return g


def _value(value) -> Literal:
    return Literal(value)


def statement_iri(head_label: str, head_key: str, rel: str, tail_label: str,
                  tail_key: str) -> URIRef:
    return URIRef(STATEMENT + "/".join(quote(str(p), safe="") for p in (
        head_label, head_key, rel, tail_label, tail_key)))


def agent_iri(name: str) -> URIRef:
    return URIRef(f"{AGENT}{quote(name, safe='')}")


_CURATION_PROPS = {"rejected", "asserted", "reference", "curation", "curated_by", "curated_at",
                   "curation_reason", "curation_action", "curated"}


def _curated(g: Graph, s: URIRef, props: dict) -> None:
    """The rank of a statement or entity, and who vouched for it or against it."""
    rank = (WIKIBASE.DeprecatedRank if props.get("rejected") else
            WIKIBASE.PreferredRank if props.get("asserted") else WIKIBASE.NormalRank)
    g.add((s, WIKIBASE.rank, rank))
    if props.get("curation"):
        g.add((s, PROV.wasGeneratedBy, URIRef(CURATION + quote(props["curation"], safe=""))))
        if props.get("curated_by"):
            g.add((s, PROV.wasAttributedTo, agent_iri(props["curated_by"])))
    if props.get("reference"):
        g.add((s, MLKG.reference, Literal(props["reference"])))


def curation_triples(g: Graph, row: dict) -> None:
    c = row["props"]
    s = URIRef(CURATION + quote(c["id"], safe=""))
    g.add((s, RDF.type, PROV.Activity))
    g.add((s, RDF.type, MLKG.Curation))
    g.add((s, SDO.identifier, Literal(c["id"])))
    agent = agent_iri(c["author"])
    g.add((agent, RDF.type, PROV.Agent))
    g.add((agent, SDO.name, Literal(c["author"])))
    g.add((s, PROV.wasAttributedTo, agent))
    g.add((s, PROV.endedAtTime, Literal(c["at"], datatype=XSD.dateTime)))
    for prop, pred in (("action", MLKG.action), ("status", MLKG.status), ("reason", MLKG.reason),
                       ("reference", MLKG.reference), ("value", MLKG.value),
                       ("before", MLKG.overrode), ("undone_at", MLKG.undoneAt)):
        if c.get(prop):
            g.add((s, pred, Literal(c[prop])))
    if c.get("undone_by"):
        g.add((s, MLKG.undoneBy, agent_iri(c["undone_by"])))
    if c.get("target") == "relation":
        g.add((s, PROV.used, statement_iri(c["head_label"], c["head_key"], c["rel_type"],
                                           c["tail_label"], c["tail_key"])))
    elif c.get("label") and c.get("key"):
        g.add((s, PROV.used, entity_iri(c["label"], c["key"])))
        if c.get("other_label") and c.get("other_key"):
            g.add((s, MLKG.other, entity_iri(c["other_label"], c["other_key"])))


def node_triples(g: Graph, row: dict) -> None:
    label, key, props = row["label"], row["key"], row["props"]
    s = entity_iri(label, key)
    if props.get("rejected") or props.get("curation"):
        _curated(g, s, props)
    g.add((s, RDF.type, MLKG[label]))
    g.add((s, RDF.type, CLASSES.get(label, SDO.Thing)))
    g.add((s, RDF.type, PROV.Entity))
    g.add((s, SDO.identifier, Literal(key)))
    for prop, value in props.items():
        if value is None or prop in ("key", "label", "aliases_text") or prop in _CURATION_PROPS:
            continue
        if prop == "name":
            g.add((s, SDO.name, Literal(value)))
        elif prop == "aliases":
            for alias in value or []:
                g.add((s, SDO.alternateName, Literal(alias)))
        elif prop == "arxiv_id":
            g.add((s, MLKG.arxivId, Literal(value)))
        elif prop == "repo":
            g.add((s, SDO.codeRepository, Literal(value)))
        elif prop in ("pypi", "hf_id") and identifier_url(prop, value):
            _outside_identifier(g, s, prop, value)
        elif prop in ("first_seen", "last_seen"):
            g.add((s, MLKG.firstSeen if prop == "first_seen" else MLKG.lastSeen,
                   Literal(value)))
        else:
            for item in (value if isinstance(value, list) else [value]):
                g.add((s, MLKG[_camel(prop)], _value(item)))


def _outside_identifier(g: Graph, s: URIRef, prop: str, value: str) -> None:
    """schema:identifier as a PropertyValue (an IRI of its own, not a blank node, so pages
    exported apart merge), and owl:sameAs the page the identifier names."""
    url = URIRef(identifier_url(prop, value))
    ident = URIRef(f"{s}#{prop}")
    g.add((s, SDO.identifier, ident))
    g.add((ident, RDF.type, SDO.PropertyValue))
    g.add((ident, SDO.propertyID, Literal(prop)))
    g.add((ident, SDO.value, Literal(value)))
    g.add((ident, SDO.url, url))
    g.add((s, OWL.sameAs, url))


def edge_triples(g: Graph, row: dict) -> None:
    head = entity_iri(row["head_label"], row["head_key"])
    tail = entity_iri(row["tail_label"], row["tail_key"])
    rel, props = row["relation"], row["props"] or {}
    predicate = PREDICATES.get(rel, MLKG[_camel(rel.lower())])
    g.add((head, predicate, tail))
    if rel in EXTRA_PREDICATES:
        g.add((head, EXTRA_PREDICATES[rel], tail))
    st = statement_iri(row["head_label"], row["head_key"], rel, row["tail_label"],
                       row["tail_key"])
    g.add((st, RDF.type, RDF.Statement))
    _curated(g, st, props)
    g.add((st, RDF.subject, head))
    g.add((st, RDF.predicate, predicate))
    g.add((st, RDF.object, tail))
    if props.get("support") is not None:
        g.add((st, MLKG.support, Literal(int(props["support"]))))
    if props.get("confidence") is not None:
        g.add((st, MLKG.confidence, Literal(float(props["confidence"]))))
    for sentence in props.get("evidence") or []:
        g.add((st, MLKG.evidence, Literal(sentence)))
    for source in props.get("sources") or []:
        g.add((st, PROV.wasDerivedFrom, source_iri(source)))
    for prop, pred in (("extractor", MLKG.extractor), ("extractor_version", MLKG.extractorVersion),
                       ("first_seen", MLKG.firstSeen), ("last_seen", MLKG.lastSeen)):
        if props.get(prop) is not None:
            g.add((st, pred, Literal(props[prop])))


def source_triples(g: Graph, row: dict) -> None:
    props = row["props"]
    s = source_iri(props["id"])
    g.add((s, RDF.type, PROV.Entity))
    g.add((s, RDF.type, SDO.CreativeWork))
    g.add((s, SDO.identifier, Literal(props["id"])))
    for prop, pred in (("url", SDO.url), ("published", SDO.datePublished),
                       ("title", SDO.name), ("kind", MLKG.kind),
                       ("content_hash", MLKG.contentHash), ("first_seen", MLKG.firstSeen),
                       ("last_seen", MLKG.lastSeen)):
        if props.get(prop) is not None:
            g.add((s, pred, Literal(props[prop])))
    for label, key, _snippet in row.get("mentions") or []:
        if label and key:
            g.add((s, SDO.mentions, entity_iri(label, key)))


def page_graphs(store, page_size: int = 1000) -> Iterable[Graph]:
    """One small rdflib Graph per page of nodes, edges and sources."""
    for query, build in (("export_nodes", node_triples), ("export_edges", edge_triples),
                         ("export_sources", source_triples),
                         ("export_curations", curation_triples)):
        for rows in pages(store, query, page_size):
            g = _graph()
            for row in rows:
                build(g, row)
            yield g


def export_rdf(store, out: IO[str], fmt: str = "turtle", page_size: int = 1000) -> int:
    """Write the graph as Turtle or JSON-LD to ``out``; returns the triple count."""
    fmt = FORMATS[fmt]
    total = 0
    if fmt == "turtle":
        out.write("# mlkg export. Vocabulary: see kg/export/rdf.py\n")
        for g in page_graphs(store, page_size):
            total += len(g)
            out.write(g.serialize(format="turtle"))
            out.write("\n")
        return total
    out.write('{"@context": ' + json.dumps(JSONLD_CONTEXT) + ',\n "@graph": [\n')
    first = True
    for g in page_graphs(store, page_size):
        total += len(g)
        data = json.loads(g.serialize(format="json-ld", context=JSONLD_CONTEXT))
        items = data.get("@graph") if isinstance(data, dict) and "@graph" in data else (
            [{k: v for k, v in data.items() if k != "@context"}] if isinstance(data, dict)
            else data)
        for item in items:
            out.write(("  " if first else ",\n  ") + json.dumps(item, ensure_ascii=False))
            first = False
    out.write("\n]}\n")
    return total


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
