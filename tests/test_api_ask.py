"""/ask: plain-English questions → named queries (spaCy Matcher, no LLM)."""
from __future__ import annotations

import pytest

from api.ask import EXAMPLES, parse
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
