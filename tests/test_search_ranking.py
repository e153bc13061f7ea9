"""Search ranks an exact name or alias match first, then prefix matches, then fuzzy
ones, on both stores (issue 12: "llama" put a sentence fragment above LLaMA)."""
from __future__ import annotations

from kg.models import Entity, GraphBatch, SourceDoc

# real names from the demo graph, and the junk that outranked LLaMA there
NAMES = [("Architecture", "LLaMA", ["Llama", "LLaMA 1"]), ("Architecture", "Llama 2", ["LLaMA-2"]),
         ("Architecture", "Code Llama", ["CodeLlama"]), ("Library", "LlamaIndex", ["llama_index"]),
         ("Architecture", "LLaMA2-13B. We", []), ("Architecture", "Alpaca", ["Stanford Alpaca"]),
         ("Architecture", "LLaMA-Adapter", []), ("Organization", "Llama Lab", []),
         ("Architecture", "Lama", [])]


def _load(store):
    entities = [Entity(lab, name, aliases=list(al)) for lab, name, al in NAMES]
    store.upsert(GraphBatch(sources=[SourceDoc("s", "newsletter", None, None, "h")], entities=entities))


def _names(store, q, **kw):
    return [r["name"] for r in store.run_query("search", {"q": q, "limit": 20, **kw})]


def test_exact_then_prefix_then_fuzzy(graph_store):
    _load(graph_store)
    names = _names(graph_store, "llama")
    assert names[0] == "LLaMA"
    # prefix matches (name or alias starts with "llama") before the fuzzy-only "Lama"
    prefix = {"Llama 2", "LlamaIndex", "LLaMA2-13B. We", "LLaMA-Adapter", "Llama Lab"}
    assert set(names[1:1 + len(prefix)]) == prefix
    assert names.index("Lama") > max(names.index(p) for p in prefix)
    assert "Alpaca" not in names


def test_exact_alias_and_label_filter(graph_store):
    _load(graph_store)
    assert _names(graph_store, "codellama")[0] == "Code Llama"
    assert _names(graph_store, "llama 2")[0] == "Llama 2"
    assert _names(graph_store, "llama", label="Organization") == ["Llama Lab"]


def _load_identified(store):
    # invented projects; their ids are what the text linked to, unlike their names
    entities = [Entity("Library", "Quillwork", props={"repo": "ferncode/quillwork", "pypi": "quill-work"}),
                Entity("Library", "Quillworks Lite", aliases=["quillwork lite"]),
                Entity("Architecture", "Corvex-7B", props={"hf_id": "VantaLabs/corvex-7b"}),
                Entity("Organization", "Vanta Labs", props={"hf_id": "VantaLabs"})]
    store.upsert(GraphBatch(sources=[SourceDoc("s", "newsletter", None, None, "h")], entities=entities))


def test_search_by_outside_identifier(graph_store):
    _load_identified(graph_store)
    assert _names(graph_store, "ferncode/quillwork") == ["Quillwork"]
    # a PyPI name in any spelling PEP 503 folds together, or as the pip command
    assert _names(graph_store, "Quill_Work")[0] == "Quillwork"
    assert _names(graph_store, "pip install quill.work")[0] == "Quillwork"
    assert _names(graph_store, "VantaLabs/corvex-7b") == ["Corvex-7B"]
    assert _names(graph_store, "vantalabs/corvex-7b") == []   # stored as written, matched exactly
    assert _names(graph_store, "https://huggingface.co/VantaLabs/corvex-7b") == ["Corvex-7B"]
    assert _names(graph_store, "https://pypi.org/project/quill-work/")[0] == "Quillwork"
    assert _names(graph_store, "VantaLabs")[0] == "Vanta Labs"
    assert _names(graph_store, "VantaLabs", label="Architecture") == []
    # an ordinary name search is unchanged: the id tier adds nothing here
    assert _names(graph_store, "quillwork")[:2] == ["Quillwork", "Quillworks Lite"]
