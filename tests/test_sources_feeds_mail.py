"""Feeds and mail. The corpus has no permissively licensed ML-blog feed, so the
feed tests use (1) real Atom feeds (arXiv API responses) and (2) an RSS feed
built here that wraps the real seed newsletter text. Mail tests build .eml/.mbox
files here around real newsletter content (the seed issue, the rustdoc page)."""
import json
import mailbox
from email.message import EmailMessage
from xml.sax.saxutils import escape

import pytest

from ingest.sources import read_path, read_url
from ingest.sources.feeds import parse_feed, read_feed
from ingest.sources.mail import read_mail
from kg.errors import MalformedDocument

try:
    from tests.recorded import FIXTURES, RecordedTransport
except ImportError:
    from recorded import FIXTURES, RecordedTransport

SEED = (FIXTURES / "newsletters" / "seed-issue.txt").read_text(encoding="utf-8")
RUSTDOC = (FIXTURES / "html" / "what-is-rustdoc.html").read_text(encoding="utf-8")
ATOM = json.loads((FIXTURES / "arxiv-api" / "q_testing_s0_m10_bc5a6c384fe9.json")
                  .read_text(encoding="utf-8"))["body"].encode("utf-8")


def rss_wrapping_seed() -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>ML Newsletter</title><link>https://newsletter.example.org/</link>
<description>Weekly ML news</description>
<item>
  <title>Do Wide and Deep Networks Learn the Same Things?</title>
  <link>https://newsletter.example.org/p/wide-and-deep</link>
  <guid>https://newsletter.example.org/p/wide-and-deep</guid>
  <pubDate>Sun, 30 May 2021 16:00:00 GMT</pubDate>
  <description>{escape(SEED)}</description>
</item>
<item>
  <title>Short note</title>
  <link>https://newsletter.example.org/p/note</link>
  <pubDate>Mon, 07 Jun 2021 16:00:00 GMT</pubDate>
  <description>{escape('<p>functorch is <a href="https://github.com/pytorch/functorch">PyTorch based library</a> that allows you to write Jax-like programs through functions.</p>')}</description>
</item>
</channel></rss>""".encode("utf-8")


def test_real_atom_feed_one_document_per_entry():
    docs = parse_feed(ATOM, origin="arxiv-api")
    assert len(docs) == 10 and all(d.kind == "feed" for d in docs)
    first = docs[0]
    assert first.title == "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    assert first.url == "https://arxiv.org/abs/2202.12139v1"
    assert first.published == "2022-02-24"
    assert "Deep Learning (DL) has revolutionized" in first.text
    assert first.authors[0] == "Mohit Kumar Ahuja"
    assert len({d.id for d in docs}) == 10


def test_rss_issue_entry_is_split_into_items(tmp_path):
    path = tmp_path / "feed.rss"
    path.write_bytes(rss_wrapping_seed())
    docs = read_feed(path)
    issue = [d for d in docs if d.url == "https://newsletter.example.org/p/wide-and-deep"]
    assert len(issue) == 15 and all(d.kind == "newsletter" for d in issue)
    assert all(d.published == "2021-05-30" for d in issue)
    assert issue[0].title == "Do Wide and Deep Networks Learn the Same Things?"
    assert issue[1].text.startswith("Stanford AI Lab wrote")
    note = [d for d in docs if d.url == "https://newsletter.example.org/p/note"]
    assert len(note) == 1 and note[0].kind == "feed" and note[0].title == "Short note"
    assert note[0].published == "2021-06-07"
    assert ("https://github.com/pytorch/functorch", "PyTorch based library") in \
        [(l.url, l.text) for l in note[0].links]
    # read_path sniffs the same
    assert [d.id for d in read_path(path)] == [d.id for d in docs]


def test_read_path_gives_arxiv_documents_for_arxiv_atom(tmp_path):
    path = tmp_path / "arxiv.atom"
    path.write_bytes(ATOM)
    docs = list(read_path(path))
    assert len(docs) == 10 and docs[0].kind == "arxiv" and docs[0].arxiv_id == "2202.12139"


def test_not_a_feed_is_malformed(tmp_path):
    with pytest.raises(MalformedDocument):
        parse_feed(b"this is not xml at all", origin="x")
    path = tmp_path / "bin.xml"
    path.write_bytes(b"\x1f\x8b\x08\x00binary")
    with pytest.raises(MalformedDocument, match="gzip"):
        list(read_path(path))


def test_read_url_feed_and_html():
    rec = RecordedTransport()
    rec.add("https://newsletter.example.org/feed.xml", rss_wrapping_seed(),
            headers={"content-type": "application/rss+xml"})
    rec.add("https://doc.rust-lang.org/rustdoc/what-is-rustdoc.html", RUSTDOC.encode("utf-8"),
            headers={"content-type": "text/html; charset=utf-8"})
    client = rec.client()
    feed_docs = read_url("https://newsletter.example.org/feed.xml", client)
    assert len(feed_docs) == 16
    page = read_url("https://doc.rust-lang.org/rustdoc/what-is-rustdoc.html", client)
    assert page[0].title == "What is rustdoc?"
    assert page[0].origin == page[0].url == "https://doc.rust-lang.org/rustdoc/what-is-rustdoc.html"
    assert rec.requests[0].headers["User-Agent"].startswith("mlkg/0.1")


def make_message(subject: str, date: str, msgid: str, text: str, html: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "ML Newsletter <news@newsletter.example.org>"
    msg["To"] = "reader@example.org"
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = msgid
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg


def test_eml_prefers_html_part(tmp_path):
    msg = make_message("What is rustdoc?", "Tue, 01 Jun 2021 08:00:00 +0000", "<abc@example.org>",
                       "plain fallback that should not be used", RUSTDOC)
    path = tmp_path / "issue.eml"
    path.write_bytes(bytes(msg))
    docs = read_mail(path)
    assert docs[0].title == "What is rustdoc?" and docs[0].published == "2021-06-01"
    assert "plain fallback" not in " ".join(d.text for d in docs)
    assert "Keyboard shortcuts" not in " ".join(d.text for d in docs)
    assert all(d.kind == "newsletter" and d.origin == str(path) for d in docs)


def test_mbox_messages_split_with_dates(tmp_path):
    path = tmp_path / "issues.mbox"
    box = mailbox.mbox(str(path))
    box.add(make_message("ML Newsletter #1", "Sun, 30 May 2021 16:00:00 +0000", "<one@example.org>", SEED))
    box.add(make_message("A short one", "Mon, 07 Jun 2021 10:00:00 +0200", "<two@example.org>",
                         "KeOps is a library that provides kernel operations for GPU to optimize "
                         "array operations with autodiff. See https://www.kernel-operations.io/ ."))
    box.flush()
    box.close()
    docs = list(read_path(path))
    first = [d for d in docs if d.published == "2021-05-30"]
    assert len(first) == 15 and first[0].title == "Do Wide and Deep Networks Learn the Same Things?"
    second = [d for d in docs if d.published == "2021-06-07"]
    assert len(second) == 1 and second[0].title == "A short one"
    assert second[0].links[0].url == "https://www.kernel-operations.io/"
    assert len({d.id for d in docs}) == len(docs)


def test_binary_eml_is_malformed(tmp_path):
    path = tmp_path / "x.eml"
    path.write_bytes(b"\x00\x00binary\xff")
    with pytest.raises(MalformedDocument, match="binary"):
        read_mail(path)
