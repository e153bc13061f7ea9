"""Throughput of the extraction pipeline against two references, in one process.

    python3 bench/extract.py [--tokens 500000] [--rss-docs 10000] [--quick]

* ceiling: spaCy's tokenizer alone (``spacy.blank("en")``);
* reference: spaCy's default CPU pipeline architecture from
  ``spacy init config -l en -p tagger,parser,ner -o efficiency`` with
  en_core_web_sm's label sets added (50 PTB tags, 45 dependency labels, 18
  OntoNotes types) and ``nlp.initialize()`` — untrained weights, same compute;
* mlkg: the full extraction (ingest.extract.pipeline.Extractor) incl. resolution,
  with the trained recogniser and relation model, and without them (rules only), so
  the learned components' cost shows.

Text comes from /work/shared/corpus (or --corpus), repeated to --tokens tokens.
Also reports peak RSS after extracting --rss-docs documents.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TAGS = ("$ '' , -LRB- -RRB- . : ADD AFX CC CD DT EX FW HYPH IN JJ JJR JJS LS MD NFP NN NNP NNPS NNS "
        "PDT POS PRP PRP$ RB RBR RBS RP SYM TO UH VB VBD VBG VBN VBP VBZ WDT WP WP$ WRB XX _SP `` "
        "-PRON-").split()[:50]
DEPS = ("ROOT acl acomp advcl advmod agent amod appos attr aux auxpass case cc ccomp compound conj "
        "csubj csubjpass dative dep det dobj expl intj mark meta neg nmod npadvmod nsubj nsubjpass "
        "nummod oprd parataxis pcomp pobj poss preconj predet prep prt punct quantmod relcl xcomp").split()
ENTS = ("CARDINAL DATE EVENT FAC GPE LANGUAGE LAW LOC MONEY NORP ORDINAL ORG PERCENT PERSON PRODUCT "
        "QUANTITY TIME WORK_OF_ART").split()


def corpus_texts(root: Path) -> list[tuple[str, str, str | None]]:
    """(kind, text, title) samples from the shared corpus."""
    out = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.startswith("LICENSE") or path.name == "SOURCES.md":
            continue
        try:
            data = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if path.suffix == ".jsonl":
            for line in data.splitlines():
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                text = obj.get("abstract") or obj.get("text") or ""
                if text:
                    out.append(("arxiv" if "abstract" in obj else "newsletter", text, obj.get("title")))
        elif path.suffix in {".txt", ".md", ".mdx"}:
            for para in data.split("\n\n"):
                if len(para.strip()) > 40:
                    out.append(("list" if para.lstrip().startswith(("*", "-", "1")) else "newsletter", para, None))
    return out


def reference_pipeline():
    import spacy
    from spacy.cli.init_config import init_config
    config = init_config(lang="en", pipeline=["tagger", "parser", "ner"], optimize="efficiency", gpu=False)
    nlp = spacy.util.load_model_from_config(config, auto_fill=True)
    for tag in TAGS:
        nlp.get_pipe("tagger").add_label(tag)
    for dep in DEPS:
        nlp.get_pipe("parser").add_label(dep)
    for ent in ENTS:
        nlp.get_pipe("ner").add_label(ent)
    nlp.initialize()
    return nlp


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tokens", type=int, default=500_000)
    ap.add_argument("--ref-tokens", type=int, default=None,
                    help="tokens for the (slow) reference pipeline; default = --tokens / 5")
    ap.add_argument("--rss-docs", type=int, default=10_000)
    ap.add_argument("--corpus", default="/work/shared/corpus")
    ap.add_argument("--quick", action="store_true", help="50k tokens, 1000 docs for RSS")
    args = ap.parse_args()
    if args.quick:
        args.tokens, args.rss_docs = 50_000, 1_000
    import spacy
    from kg.models import Document
    from ingest.extract.pipeline import Extractor

    samples = corpus_texts(Path(args.corpus))
    if not samples:
        sys.exit(f"no text under {args.corpus}")
    blank = spacy.blank("en")
    docs, total = [], 0
    while total < args.tokens:
        for kind, text, title in samples:
            docs.append((kind, text, title))
            total += len(blank.tokenizer(text))
            if total >= args.tokens:
                break
    texts = [t for _, t, _ in docs]
    print(f"corpus: {len(samples)} samples → {len(docs)} docs, {total} tokens")

    t0, c0 = time.perf_counter(), time.process_time()
    n = sum(len(d) for d in blank.tokenizer.pipe(texts))
    tok_rate = n / (time.perf_counter() - t0)
    tok_cpu = n / (time.process_time() - c0)
    print(f"tokenizer alone (ceiling):  {tok_rate:12,.0f} tokens/s   (cpu time: {tok_cpu:12,.0f} tokens/s)")

    mdocs = [Document(f"b{i}", kind, text, title=title) for i, (kind, text, title) in enumerate(docs)]
    rules = Extractor(learned=False)
    rules_rate, rules_cpu, n_ent, n_rel = timed_extraction(rules, mdocs, total)
    print(f"mlkg extraction, rules only: {rules_rate:11,.0f} tokens/s   (cpu time: {rules_cpu:12,.0f} tokens/s)"
          f"  ({n_ent} entities, {n_rel} relations)")
    del rules
    extractor = Extractor()
    mlkg_rate, mlkg_cpu, n_ent, n_rel = timed_extraction(extractor, mdocs, total)
    print(f"mlkg extraction (full):     {mlkg_rate:12,.0f} tokens/s   (cpu time: {mlkg_cpu:12,.0f} tokens/s)"
          f"  ({n_ent} entities, {n_rel} relations; pipeline: {', '.join(extractor.nlp.pipe_names)})")

    ref = reference_pipeline()
    ref_budget = args.ref_tokens or max(20_000, args.tokens // 5)
    ref_texts, ref_total = [], 0
    for text in texts:
        ref_texts.append(text)
        ref_total += len(blank.tokenizer(text))
        if ref_total >= ref_budget:
            break
    t0, c0 = time.perf_counter(), time.process_time()
    n = sum(len(d) for d in ref.pipe(ref_texts, batch_size=64))
    ref_rate = n / (time.perf_counter() - t0)
    ref_cpu = n / (time.process_time() - c0)
    print(f"default tagger+parser+ner:  {ref_rate:12,.0f} tokens/s   (cpu time: {ref_cpu:12,.0f} tokens/s)"
          f"  (efficiency config, {n} tokens)")
    print(f"ratio mlkg / default pipeline: {mlkg_rate / ref_rate:6.1f}x   (cpu time: {mlkg_cpu / ref_cpu:6.1f}x)")
    print(f"ratio mlkg / tokenizer alone:  {mlkg_rate / tok_rate:6.3f}   (cpu time: {mlkg_cpu / tok_cpu:6.3f})")
    # wall-clock figures depend on what else the machine runs; cpu time (this process,
    # all its threads) is steadier on a shared machine but counts a multi-threaded BLAS
    # in the reference as its summed thread time

    print("cost per component (one document at a time, first 1,500 documents):")
    for name, seconds in component_seconds(extractor, mdocs[:1500]):
        print(f"  {name:<26}{seconds:8.2f} s")
    made = [d for d in (extractor._make_doc(x) for x in mdocs[:1500]) if d is not None]
    t0 = time.perf_counter()
    for _ in extractor.nlp.get_pipe("mlkg_ner").pipe(made, batch_size=128) if "mlkg_ner" in extractor.nlp.pipe_names else ():
        pass
    print(f"  {'mlkg_ner, batched (128)':<26}{time.perf_counter() - t0:8.2f} s")

    rss_docs = [Document(f"r{i}", kind, text, title=title)
                for i, (kind, text, title) in zip(range(args.rss_docs), _cycle(docs))]
    for _ in extractor.extract_many(rss_docs):
        pass
    print(f"peak RSS after {len(rss_docs)} documents: {peak_rss_mb():.0f} MB")


def timed_extraction(extractor, docs, tokens: int) -> tuple[float, float, int, int]:
    """(tokens/s wall, tokens/s CPU, entities, relations) for one pass over ``docs``."""
    t0, c0 = time.perf_counter(), time.process_time()
    n_ent = n_rel = 0
    for ex in extractor.extract_many(docs):
        n_ent += len(ex.entities)
        n_rel += len(ex.relations)
    return tokens / (time.perf_counter() - t0), tokens / (time.process_time() - c0), n_ent, n_rel


def component_seconds(extractor, docs) -> list[tuple[str, float]]:
    """Wall time of each pipeline component over ``docs``, one document at a time."""
    spent: dict[str, float] = {}
    for d in docs:
        sdoc = extractor._make_doc(d)
        if sdoc is None:
            continue
        for name, proc in extractor.nlp.pipeline:
            t0 = time.perf_counter()
            sdoc = proc(sdoc)
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - t0
    return list(spent.items())


def _cycle(items):
    while True:
        yield from items


if __name__ == "__main__":
    main()
