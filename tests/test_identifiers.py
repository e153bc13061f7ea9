"""Outside identifiers (issue 12 item 4): a Library's PyPI name and the Hugging Face id of
an Architecture or Organization, from what the text links to or installs — never from a
name. Unit tests of the link and "pip install" readers on real-looking sentences with
invented names; then a Markdown document ingested into both stores: node properties,
search by identifier, the entity page's links and the RDF export."""
from __future__ import annotations

import io
import json

import pytest
import rdflib
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.summary import outside_links
from ingest.extract import to_contract_json
from ingest.extract.components.links import classify_link, pip_install_names
from ingest.pipeline import Ingestor
from kg.cli import main
from kg.export.rdf import export_rdf
from kg.identifiers import hf_from_url, identifier_url, pypi_name, search_params
from kg.models import Document


@pytest.mark.parametrize("url,text,expected", [
    ("https://pypi.org/project/fernly/", "Fernly", ("Library", {"pypi": "fernly"})),
    ("https://pypi.org/project/Fern_Ly.Tools/1.2.0/", "`fern-ly-tools`",
     ("Library", {"pypi": "fern-ly-tools"})),
    # the link text names the index or the act, not the library
    ("https://pypi.org/project/salesforce-quillo/", "PyPI", None),
    ("https://pypi.org/project/quillo/", "pip install", None),
    ("https://pypi.org/project/quillo/", "here", None),
    ("https://huggingface.co/vantalabs/corvex-7b", "Corvex-7B",
     ("Architecture", {"hf_id": "vantalabs/corvex-7b"})),
    ("https://huggingface.co/vantalabs/Corvex-7B/", "Corvex 7B",
     ("Architecture", {"hf_id": "vantalabs/Corvex-7B"})),
    # a family's name linked to someone's fine-tune of it: the link types it, the id is not its
    ("https://huggingface.co/reefer/Corvex-2-Chinese-13b-chat", "Corvex-2", ("Architecture", {})),
    # the site's own pages are no owner: still typed as before, without an id
    ("https://huggingface.co/tasks/summarization", "Summarization", ("Architecture", {})),
    ("https://huggingface.co/datasets/vantalabs/reefqa", "ReefQA", ("Dataset", {})),
    # a single segment (an organization or a person) does not type the link by itself
    ("https://huggingface.co/vantalabs", "Vanta Labs", None),
    ("https://github.com/ferncode/fernly", "Fernly", ("Library", {"repo": "ferncode/fernly"})),
])
def test_classify_link(url, text, expected):
    assert classify_link(url, text) == expected


@pytest.mark.parametrize("text,names", [
    ("To install Kestrel, simply run: pip install kestrel. This will install the latest version.",
     {"kestrel"}),
    ("Install with pip install --pre -U Fern_Ly[gpu]==0.4.1 moraine-rs", {"fern-ly", "moraine-rs"}),
    ("pip install -r requirements.txt", set()),
    ("pip install git+https://github.com/ferncode/fernly", set()),
    ("run pip3 install 'quillo>=2' and then restart", {"quillo"}),
    ("Quillo is a pip install away.", {"away"}),       # read, but no Library is called "away"
    ("pip installs nothing here", set()),
])
def test_pip_install_names(text, names):
    assert pip_install_names(text) == names


def test_identifier_helpers():
    assert pypi_name("Fern_Ly..Tools") == "fern-ly-tools" and pypi_name("fern ly") is None
    assert hf_from_url("https://huggingface.co/vantalabs") == "vantalabs"
    assert hf_from_url("https://huggingface.co/vantalabs/corvex-7b/tree/main") == "vantalabs/corvex-7b"
    assert hf_from_url("https://huggingface.co/docs/fernly") is None
    assert hf_from_url("https://huggingface.co/papers/2401.00001") is None
    assert identifier_url("pypi", "fernly") == "https://pypi.org/project/fernly/"
    assert identifier_url("pypi", "Fernly") is None       # not a normalized name
    assert identifier_url("hf_id", "vantalabs/corvex-7b") == "https://huggingface.co/vantalabs/corvex-7b"
    assert identifier_url("hf_id", "a/b/c") is None
    assert search_params("https://pypi.org/project/Fern_Ly/") == {"q_ids": [""], "q_pypi": "fern-ly"}
    assert search_params("VantaLabs/Corvex")["q_ids"] == ["VantaLabs/Corvex", "vantalabs/corvex"]


def test_outside_links():
    links = outside_links({"repo": "ferncode/fernly", "pypi": "fernly", "hf_id": "vantalabs"})
    assert links == [{"kind": "GitHub", "url": "https://github.com/ferncode/fernly"},
                     {"kind": "PyPI", "url": "https://pypi.org/project/fernly/"},
                     {"kind": "Hugging Face", "url": "https://huggingface.co/vantalabs"}]
    assert outside_links({"pypi": "not a name", "hf_id": "../etc"}) == []


@pytest.fixture(scope="module")
def extractor():
    from ingest.extract.pipeline import Extractor
    return Extractor()


def _entities(extractor, text, kind="newsletter"):
    out = to_contract_json(extractor.extract(Document("t", kind, text)))
    return {e["name"].lower(): e for e in out["entities"]}


def test_extraction_reads_identifiers(extractor):
    ents = _entities(extractor, "We release [Corvex-7B](https://huggingface.co/vantalabs/corvex-7b), "
                                "a new language model from [Vanta Labs](https://huggingface.co/vantalabs).")
    assert ents["corvex-7b"]["hf_id"] == "vantalabs/corvex-7b"
    assert ents["vanta labs"]["type"] == "Organization" and ents["vanta labs"]["hf_id"] == "vantalabs"
    # a lower-case package name linked to its own PyPI page is a name, not a word
    ents = _entities(extractor, "This repository holds the [`brindle`](https://pypi.org/project/brindle/) "
                                "PyPI package, a library for sparse routing.")
    assert ents["brindle"]["pypi"] == "brindle"
    ents = _entities(extractor, "To install Kestrelflow, simply run: `pip install kestrelflow`. "
                                "Kestrelflow is a library for graph sampling.")
    assert ents["kestrelflow"]["pypi"] == "kestrelflow"


def test_no_identifier_without_the_text_saying_so(extractor):
    # a person's page does not make an organization; other names get no guessed id
    ents = _entities(extractor, "Thanks to [Mira Solberg](https://huggingface.co/msolberg) for porting "
                                "Kestrelflow, a library for graph sampling.")
    assert all("hf_id" not in e and "pypi" not in e for e in ents.values())
    # the package installed is another name than the library's: no pypi
    ents = _entities(extractor, "Kestrelflow is a library for graph sampling. Install the "
                                "plugin with `pip install kestrel-tools`.")
    assert "pypi" not in ents["kestrelflow"]


DOC = """# Issue 7

[Fernly](https://pypi.org/project/fernly/) is a Python library for sparse routing from
[Vanta Labs](https://huggingface.co/vantalabs). Fernly implements Corvex-7B.

Vanta Labs also released [Corvex-7B](https://huggingface.co/vantalabs/corvex-7b), a language model.

Kestrelflow is a library for graph sampling. Install it with `pip install kestrelflow`.

[Torchwise](https://pypi.org/project/twise/) is a profiling library.
"""

DOC2 = """Twise is a library for tracing, not to be confused with any other.
"""


@pytest.fixture
def ingested(graph_store, extractor, tmp_path):
    (tmp_path / "issue-7.md").write_text(DOC)
    (tmp_path / "issue-8.md").write_text(DOC2)
    report = Ingestor(graph_store, extractor).ingest_paths([str(tmp_path)])
    assert report.loaded == 2 and report.errors == 0
    return graph_store


def _props(store, label, key):
    rows = store.run_query("entity", {"label": label, "key": key})
    return rows[0]["props"] if rows else None


def test_identifiers_are_node_properties(ingested):
    assert _props(ingested, "Library", "fernly")["pypi"] == "fernly"
    assert _props(ingested, "Library", "kestrelflow")["pypi"] == "kestrelflow"
    assert _props(ingested, "Architecture", "corvex7b")["hf_id"] == "vantalabs/corvex-7b"
    assert _props(ingested, "Organization", "vantalabs")["hf_id"] == "vantalabs"
    # an id is never a reason to merge: "Twise" is its own node, beside Torchwise (pypi twise)
    assert _props(ingested, "Library", "torchwise")["pypi"] == "twise"
    twise = _props(ingested, "Library", "twise")
    assert twise is not None and "pypi" not in twise


def test_search_page_and_rdf(ingested, store_spec):
    result = CliRunner().invoke(main, ["search", "https://pypi.org/project/Fernly/", "--format", "json",
                                       "--store", store_spec])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["name"] == "Fernly"
    client = TestClient(create_app(Settings(api_keys=("k",)), store=ingested))
    first = client.get("/search", params={"q": "vantalabs/corvex-7b"}).json()["results"][0]
    assert (first["name"], first["label"]) == ("Corvex-7B", "Architecture")
    names = [r["name"] for r in ingested.run_query("search", {"q": "twise"})]
    assert names[0] == "Torchwise" and "Twise" in names      # the PyPI name first, the name next
    page = client.get("/entities/Library/fernly").json()
    assert {"kind": "PyPI", "url": "https://pypi.org/project/fernly/"} in page["links"]
    assert page["keys"]["pypi"] == "fernly"
    org = client.get("/entities/Organization/vantalabs").json()
    assert {"kind": "Hugging Face", "url": "https://huggingface.co/vantalabs"} in org["links"]

    out = io.StringIO()
    export_rdf(ingested, out, "turtle", page_size=3)
    g = rdflib.Graph().parse(data=out.getvalue(), format="turtle")
    rows = {(str(r.name), str(r.pid), str(r.value), str(r.same)) for r in g.query("""
        PREFIX schema: <https://schema.org/>
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?name ?pid ?value ?same WHERE {
          ?e schema:name ?name ; schema:identifier ?id ; owl:sameAs ?same .
          ?id a schema:PropertyValue ; schema:propertyID ?pid ; schema:value ?value ; schema:url ?same .
        }""")}
    assert ("Fernly", "pypi", "fernly", "https://pypi.org/project/fernly/") in rows
    assert ("Corvex-7B", "hf_id", "vantalabs/corvex-7b", "https://huggingface.co/vantalabs/corvex-7b") in rows
    assert ("Vanta Labs", "hf_id", "vantalabs", "https://huggingface.co/vantalabs") in rows
