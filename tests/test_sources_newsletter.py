"""Newsletter reader on real issues: the seed issue (plain text), DAIR.AI's
Prompt Engineering Guide (MDX), the scikit-learn blog (Jekyll Markdown) and a
real HTML page (the rustdoc book, as shipped with Rust)."""
from pathlib import Path

import pytest

from ingest.sources import read_path
from ingest.sources.newsletter import (decode_bytes, detect_format, parse_date, read_newsletter,
                                       split_items)
from kg.errors import MalformedDocument, SourceError
from kg.models import Document, Link

FIX = Path(__file__).parent / "fixtures"
SEED = FIX / "newsletters" / "seed-issue.txt"
OLMO = FIX / "newsletters" / "prompting-guide" / "models_olmo.en.mdx"
SKLEARN = FIX / "newsletters" / "scikit-learn-blog" / "2022-10-13-joining-forces-hugging-face.md"
RUSTDOC = FIX / "html" / "what-is-rustdoc.html"


def test_seed_issue_splits_into_its_fifteen_items():
    docs = read_newsletter(SEED)
    assert len(docs) == 15
    assert all(isinstance(d, Document) and d.kind == "newsletter" for d in docs)
    first = docs[0]
    assert first.title == "Do Wide and Deep Networks Learn the Same Things?"
    assert first.text.startswith("Do Wide and Deep Networks Learn the Same Things?\n"
                                 "Without block structure, they exhibit representation similarity\n")
    assert "Google published an article" in first.text
    assert "random initialization impact" in first.text
    starts = [d.text[:30] for d in docs[1:14]]
    assert starts[0].startswith("Stanford AI Lab wrote")
    assert starts[1].startswith("Flyte published an article")
    assert any(s.startswith("MLP-Mixer: An all-MLP") for s in starts)
    assert docs[13].text.startswith("SpeechBrain is a toolkit")
    assert "•" not in "".join(d.text for d in docs)
    assert "Some people asked in the previous newsletter" in docs[14].text
    assert docs[0].origin == str(SEED)


def test_seed_ids_are_stable_and_unique():
    a = [d.id for d in read_newsletter(SEED)]
    b = [d.id for d in read_newsletter(SEED.read_text(encoding="utf-8"), issue_id="seed-issue")]
    assert a == b
    assert len(set(a)) == len(a)
    assert a[0] == "newsletter:seed-issue/01-do-wide-and-deep-networks-learn-the-same-things"


def test_split_items_is_public_and_format_aware():
    items = split_items(SEED.read_text(encoding="utf-8"), fmt="text")
    assert len(items) == 15 and items[0].index == 0
    md = split_items(OLMO.read_text(encoding="utf-8"), fmt="markdown")
    assert [i.title for i in md][:3] == ["OLMo", "Introduction to OLMo", "OLMo-7B"]
    with pytest.raises(ValueError):
        split_items("x", fmt="pdf")


def test_markdown_mdx_links_collected_and_markup_removed():
    docs = read_newsletter(OLMO)
    intro = next(d for d in docs if d.title == "Introduction to OLMo")
    assert Link("https://blog.allenai.org/olmo-open-language-model-87ccfc95f580", "released") in intro.links
    assert Link("https://github.com/allenai/OLMo", "training code") in intro.links
    assert "The Allen Institute of AI has released a new open language model" in intro.text
    # short bullets stay inside their section item, markup gone
    assert "- full training data, including the code that produces the data" in intro.text
    for d in docs:
        assert "](" not in d.text and "![" not in d.text
        assert "import " not in d.text.split("\n")[0]
    dolma = next(d for d in docs if d.title == "Dolma Dataset")
    assert Link("https://github.com/allenai/dolma", "Dolma") in dolma.links


def test_markdown_front_matter_date_liquid_and_html_stripped():
    docs = read_newsletter(SKLEARN)
    assert docs and all(d.published == "2022-10-13" for d in docs)
    text = "\n".join(d.text for d in docs)
    assert "{%" not in text and "<div" not in text and "postauthors" not in text
    assert "Hugging Face is happy to announce that we're partnering with scikit-learn" in docs[0].text
    assert Link("https://scikit-learn.org/stable/index.html", "scikit-learn") in docs[0].links
    titles = [d.title for d in docs]
    assert "Support to the scikit-learn consortium" in titles
    assert "Integration to and from the Hugging Face Hub" in titles


def test_html_page_main_content_only_with_links():
    docs = read_newsletter(RUSTDOC)
    titles = [d.title for d in docs]
    assert titles[0] == "What is rustdoc?"
    assert "Basic usage" in titles and "Summary" in titles
    text = "\n".join(d.text for d in docs)
    assert "Keyboard shortcuts" not in text        # help popup
    assert "path_to_root" not in text               # scripts
    assert "The standard Rust distribution ships with a tool called rustdoc." in text
    outer = next(d for d in docs if d.title == "Outer and inner documentation")
    assert Link("https://doc.rust-lang.org/book/ch14-02-publishing-to-crates-io.html"
                "#commenting-contained-items", "the Book") in outer.links
    assert all(not l.url.startswith("#") for d in docs for l in d.links)
    # bullets of the <ul> are items of their own
    assert any(d.text.startswith("-o controls the output of our docs") for d in docs)


def test_html_base_url_resolves_relative_links():
    docs = read_newsletter(RUSTDOC, url="https://doc.rust-lang.org/rustdoc/what-is-rustdoc.html")
    assert all(d.url == "https://doc.rust-lang.org/rustdoc/what-is-rustdoc.html" for d in docs)


def test_dates():
    assert parse_date("October 13, 2022") == "2022-10-13"
    assert parse_date("2021-05-30T10:00:00+00:00") == "2021-05-30"
    assert parse_date("Mon, 31 May 2021 09:00:00 +0000") == "2021-05-31"
    assert parse_date("not a date") is None
    text = "Issue 42\nPublished: May 30, 2021\n\n" + SEED.read_text(encoding="utf-8")
    docs = read_newsletter(text, issue_id="x")
    assert docs[0].published == "2021-05-30"
    assert "Published" not in docs[0].text


def test_detect_format():
    assert detect_format(SEED.read_text(encoding="utf-8")) == "text"
    assert detect_format(OLMO.read_text(encoding="utf-8")) == "markdown"
    assert detect_format(RUSTDOC.read_text(encoding="utf-8")) == "html"
    assert detect_format("", "a/b.htm") == "html"


def test_binary_file_is_malformed(tmp_path):
    blob = tmp_path / "issue.txt"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(MalformedDocument) as err:
        read_newsletter(blob)
    assert "binary" in err.value.reason and err.value.source == str(blob)
    other = tmp_path / "issue.md"
    other.write_bytes(b"some text\x00\x01\x02 more")
    with pytest.raises(MalformedDocument, match="NUL"):
        list(read_path(other))


def test_non_utf8_is_malformed_with_position(tmp_path):
    latin = tmp_path / "issue.txt"
    latin.write_bytes(SEED.read_text(encoding="utf-8").replace("“", "\"").replace("”", "\"")
                      .encode("utf-8") + "Café".encode("latin-1"))
    with pytest.raises(MalformedDocument) as err:
        read_newsletter(latin)
    assert "not valid UTF-8" in err.value.reason and "0xe9" in err.value.reason
    assert decode_bytes("é".encode("utf-16")) == "é"


def test_html_declared_charset_is_honoured():
    page = "<html><head><meta charset='windows-1252'></head><body><h2>Caf\u00e9 news</h2><p>It is a long enough paragraph.</p></body></html>"
    docs = read_newsletter(page.encode("cp1252"), fmt="html")
    assert docs[0].title == "Café news"


def test_missing_file_and_unsupported_type(tmp_path):
    with pytest.raises(SourceError):
        list(read_path(tmp_path / "nope.txt"))
    odd = tmp_path / "x.pdfx"
    odd.write_bytes(b"hello")
    with pytest.raises(SourceError, match="unsupported"):
        list(read_path(odd))


def test_read_path_folder_recurses_and_skips_licences():
    docs = list(read_path(FIX / "newsletters"))
    origins = {d.origin for d in docs}
    assert str(SEED) in origins and str(OLMO) in origins and str(SKLEARN) in origins
    assert not any("LICENSE" in o for o in origins)
