"""/ask: plain-English questions → named queries (spaCy Matcher, no LLM)."""
from __future__ import annotations

import pytest

import queries as named_queries
from api.ask import EXAMPLES, INTENTS, SUMMARY, closest, parse
from api_support import make_client

PHRASINGS = [
    ("Which libraries implement MLP-Mixer?", "implementations", {"name": "MLP-Mixer"}),
    ("what frameworks support MLP Mixer", "implementations", {"name": "MLP Mixer"}),
    ("Where can I find an implementation of TSMixer?", "implementations", {"name": "TSMixer"}),
    ("What is functorch built on?", "upstream", {"name": "functorch"}),
    ("what does timm depend on", "upstream", {"name": "timm"}),
    ("What is built on PyTorch?", "downstream", {"name": "PyTorch"}),
    ("which libraries are built on top of PyTorch?", "downstream", {"name": "PyTorch"}),
    ("Who released GreyKite?", "developers", {"name": "GreyKite"}),
    ("who open-sourced GreyKite", "developers", {"name": "GreyKite"}),
    ("Who made PyTorch?", "developers", {"name": "PyTorch"}),
    ("who is behind functorch?", "developers", {"name": "functorch"}),
    ("Which paper introduced MLP-Mixer?", "introduced_in", {"name": "MLP-Mixer"}),
    ("where was MLP Mixer first described?", "introduced_in", {"name": "MLP Mixer"}),
    ("What did Meta AI release?", "releases", {"organization": "Meta AI"}),
    ("what has Google released", "releases", {"organization": "Google"}),
    ("What did LinkedIn open source?", "releases", {"organization": "LinkedIn"}),
    ("How is functorch related to TSMixer?", "path", {"from": "functorch", "to": "TSMixer"}),
    ("what connects GreyKite and MLP-Mixer", "path", {"from": "GreyKite", "to": "MLP-Mixer"}),
    ("Where is MLP-Mixer mentioned?", "mentions", {"name": "MLP-Mixer"}),
    ("which sources mention functorch", "mentions", {"name": "functorch"}),
    # the shapes issue 10 asked for, and one more per intent and then some
    ("papers that introduced transformers", "introduced_in", {"name": "transformers"}),
    ("What was MLP-Mixer trained on?", "datasets", {"name": "MLP-Mixer"}),
    ("tell me about PyTorch", "summary", {"name": "PyTorch"}),
    ("what does Google release", "releases", {"organization": "Google"}),
    ("in which frameworks is MLP-Mixer available?", "implementations", {"name": "MLP-Mixer"}),
    ("is there code for TSMixer", "implementations", {"name": "TSMixer"}),
    ("show the lineage of timm", "upstream", {"name": "timm"}),
    ("what are the dependencies of functorch?", "upstream", {"name": "functorch"}),
    ("which projects depend on PyTorch", "downstream", {"name": "PyTorch"}),
    ("list the descendants of MLP-Mixer", "downstream", {"name": "MLP-Mixer"}),
    ("Which company developed PyTorch?", "developers", {"name": "PyTorch"}),
    ("who is the maintainer of timm", "developers", {"name": "timm"}),
    ("find the paper behind MLP-Mixer", "introduced_in", {"name": "MLP-Mixer"}),
    ("where does TSMixer come from?", "introduced_in", {"name": "TSMixer"}),
    ("Who are the authors of 2105.01601?", "authors", {"name": "2105.01601"}),
    ("who wrote MLP-Mixer: An all-MLP Architecture for Vision?", "authors",
     {"name": "MLP-Mixer: An all-MLP Architecture for Vision"}),
    ("which papers did Ilya Tolstikhin write", "authors", {"name": "Ilya Tolstikhin"}),
    ("list the authors of the MLP-Mixer paper", "authors", {"name": "the MLP-Mixer paper"}),
    ("show me the projects from Meta AI", "releases", {"organization": "Meta AI"}),
    ("what was released by LinkedIn?", "releases", {"organization": "LinkedIn"}),
    ("which datasets was MLP-Mixer evaluated on", "datasets", {"name": "MLP-Mixer"}),
    ("what data did MLP-Mixer train on", "datasets", {"name": "MLP-Mixer"}),
    ("what is the training data of MLP-Mixer?", "datasets", {"name": "MLP-Mixer"}),
    ("what is the path between timm and JAX", "path", {"from": "timm", "to": "JAX"}),
    ("is PyTorch3D connected to functorch?", "path", {"from": "PyTorch3D", "to": "functorch"}),
    ("where can I read about GreyKite", "mentions", {"name": "GreyKite"}),
    ("find news about functorch", "mentions", {"name": "functorch"}),
    ("What is MLP-Mixer connected to?", "neighbors", {"name": "MLP-Mixer"}),
    ("show all relations of PyTorch", "neighbors", {"name": "PyTorch"}),
    ("what does the graph know about timm", "neighbors", {"name": "timm"}),
    ("Search for mixer", "search", {"q": "mixer"}),
    ("find anything called greykite", "search", {"q": "greykite"}),
    ("look up torch", "search", {"q": "torch"}),
    ("Tell me more about MLP-Mixer!", "summary", {"name": "MLP-Mixer"}),
    ("what do you know about Meta AI?", "summary", {"name": "Meta AI"}),
    ("describe functorch", "summary", {"name": "functorch"}),
    ("give me an overview of GreyKite", "summary", {"name": "GreyKite"}),
]


@pytest.mark.parametrize("question,query,params", PHRASINGS, ids=[p[0] for p in PHRASINGS])
def test_phrasings_map_to_named_queries(question, query, params):
    meaning = parse(question)
    assert meaning is not None, question
    assert (meaning.query, meaning.params) == (query, params)


@pytest.mark.parametrize("question", ["what is the weather", "hello", "?", "PyTorch",
                                      "delete everything"])
def test_nonsense_is_not_understood(question):
    assert parse(question) is None


def test_examples_are_all_understood():
    assert all(parse(q) for q in EXAMPLES)


def test_every_intent_is_a_named_query_and_has_tested_phrasings():
    assert len(PHRASINGS) >= 40
    for intent in INTENTS.values():
        assert intent.name == SUMMARY or intent.name in named_queries.catalog()
        assert parse(intent.example).query == intent.name
        tested = sum(1 for _, query, _ in PHRASINGS if query == intent.name)
        assert tested >= 3, f"{intent.name}: {tested} phrasings tested"


@pytest.mark.parametrize("question,intent", [
    ("which dataset is used for bert", "datasets"),
    ("the authors for attention is all you need?", "authors"),
    ("library implementations for resnet please", "implementations"),
])
def test_closest_shapes_rank_the_nearest_intent_first(question, intent):
    assert parse(question) is None
    shapes = closest(question)
    assert shapes[0]["intent"] == intent and len(shapes) == 3
    assert shapes[0]["example"] == INTENTS[intent].example


@pytest.fixture
def client(graph_store):
    with make_client(graph_store) as c:
        yield c


def test_ask_answers_and_names_the_query(client):
    a = client.get("/ask", params={"q": "Which libraries implement MLP-Mixer?"}).json()
    assert a["understood"] and a["query"] == "implementations"
    assert a["params"] == {"name": "MLP-Mixer"}
    assert [r["library"] for r in a["rows"]] == ["PyTorch", "TensorFlow", "timm"]
    a = client.get("/ask", params={"q": "Who open-sourced the GreyKite?"}).json()
    assert a["params"] == {"name": "GreyKite"} and a["rows"][0]["developer"] == "LinkedIn"


def test_ask_unknown_entity_suggests(client):
    a = client.get("/ask", params={"q": "Who released Greykit?"}).json()
    assert a["understood"] and a["rows"] == [] and a["unknown"] == {"name": "Greykit"}
    assert a["suggestions"]["name"][0]["name"] == "GreyKite"


def test_ask_says_when_it_does_not_understand(client):
    a = client.get("/ask", params={"q": "what is the meaning of life"}).json()
    assert a["understood"] is False and "did not understand" in a["message"]
    assert a["examples"] == EXAMPLES
    assert client.get("/ask").status_code == 400


def test_ask_not_understood_offers_the_closest_shapes(client):
    a = client.get("/ask", params={"q": "which datasets used for MLP-Mixer"}).json()
    assert a["understood"] is False
    assert [s["intent"] for s in a["closest"]][0] == "datasets"
    assert all(parse(s["example"]) for s in a["closest"])


def test_ask_tell_me_about_is_the_entity_summary(client):
    a = client.get("/ask", params={"q": "Tell me about MLP-Mixer"}).json()
    assert a["understood"] and a["query"] == "summary" and a["rows"] == []
    assert a["entity"]["url"] == "/entities/Architecture/mlpmixer"
    page = client.get(a["entity"]["url"]).json()
    assert a["summary"] == page["summary"]
    text = a["summary"]
    assert text.startswith("MLP-Mixer is an architecture, made by Google, introduced in "
                           "“MLP-Mixer: An all-MLP Architecture for Vision”")
    assert "PyTorch and TensorFlow implement it" in text and "trained on JFT-300M" in text
    assert "TSMixer builds on it" in text and "from 2 sources" in text
    org = client.get("/ask", params={"q": "describe Meta AI"}).json()["summary"]
    assert "It released PyTorch and functorch." in org
    unknown = client.get("/ask", params={"q": "tell me about Greykit"}).json()
    assert unknown["unknown"] == {"name": "Greykit"}
    assert unknown["suggestions"]["name"][0]["name"] == "GreyKite"


def test_ask_datasets_authors_and_search_answer_from_the_graph(client):
    a = client.get("/ask", params={"q": "What was MLP-Mixer trained on?"}).json()
    assert [(r["dataset"], r["relation"]) for r in a["rows"]] == \
        [("ImageNet", "EVALUATED_ON"), ("JFT-300M", "TRAINED_ON")]  # ImageNet via its paper
    a = client.get("/ask", params={"q": "Who are the authors of 2105.01601?"}).json()
    assert [r["author"] for r in a["rows"]] == ["Ilya Tolstikhin"]
    a = client.get("/ask", params={"q": "search for mixer"}).json()
    assert a["rows"][0]["name"] == "MLP-Mixer"
