"""A reproducible generator of realistic mlkg graphs, streamed as ``GraphBatch``es.

    python3 bench/generate.py --entities 10000 --relations 30000 --seed 7   # prints a summary

Every entity is a pure function of ``(label, index)``: names, keys, aliases and
properties are computed from the index and the seed, so relations can point at
any entity without the generator holding the entities in memory. Only the
per-label lists of base names (a few MB at 1 M entities) are kept.

Shape (defaults; see ``LABEL_SHARES`` / ``REL_SHARES``):

* labels: Paper 30 %, Person 22 %, Library 18 %, Architecture 17 %, Dataset 8 %,
  Organization 5 %; names look like ML artifacts ("FlashFormer-3B", "torchvista",
  "Nimbus Labs", "ImageKite-21K", "Wei J. Zhang"); papers carry arXiv ids;
* 1–3 aliases per entity (spelling variants, acronyms, "arXiv:…" ids, "Last, First");
* all 8 relation types with endpoints allowed by ``kg.schema.ENDPOINTS``;
* BUILT_ON is a sparse DAG over 9 levels (an edge goes from level L to a lower
  level, mostly L-1), so ``upstream`` chains reach depth 8;
* IMPLEMENTS / TRAINED_ON / EVALUATED_ON / DEVELOPED_BY tails follow a power law
  (a few popular architectures, datasets and organizations get most edges);
* INTRODUCES from papers (paper i introduces architecture i for the first papers,
  whose titles name the architecture);
* each relation carries Evidence from 1–3 sources (60/30/10 %), i.e. 1–3
  ``Relation`` objects per edge; sources are per batch, and a share of the
  relations also yields a MENTIONS of the head from its first source.

Entities stream first (``entity_batches``), then relations with their sources
and mentions (``relation_batches``), so every relation's endpoints exist when
its batch is upserted.
"""
from __future__ import annotations

import argparse
import itertools
import math
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.keys import normalize_name  # noqa: E402
from kg.models import Entity, EntityRef, Evidence, GraphBatch, Mention, Relation, SourceDoc  # noqa: E402
from kg.schema import ENDPOINTS, Label, RelType  # noqa: E402

P, A, L, O, D, H = (Label.PAPER, Label.ARCHITECTURE, Label.LIBRARY,
                    Label.ORGANIZATION, Label.DATASET, Label.PERSON)

LABEL_SHARES: dict[Label, float] = {P: 0.30, H: 0.22, L: 0.18, A: 0.17, D: 0.08, O: 0.05}

# relation type -> (share of all relations, [(head, tail, weight), ...])
REL_SHARES: dict[RelType, tuple[float, list[tuple[Label, Label, float]]]] = {
    RelType.IMPLEMENTS: (0.18, [(L, A, 0.75), (L, P, 0.25)]),
    RelType.BUILT_ON: (0.10, [(L, L, 0.5), (A, A, 0.5)]),
    RelType.USES: (0.07, [(A, A, 1.0)]),
    RelType.DEVELOPED_BY: (0.12, [(L, O, 0.25), (A, O, 0.2), (D, O, 0.1), (P, O, 0.05),
                                  (L, H, 0.15), (A, H, 0.1), (D, H, 0.05), (P, H, 0.1)]),
    RelType.INTRODUCES: (0.10, [(P, A, 0.6), (P, D, 0.2), (P, L, 0.2)]),
    RelType.AUTHORED_BY: (0.25, [(P, H, 1.0)]),
    RelType.TRAINED_ON: (0.08, [(A, D, 1.0)]),
    RelType.EVALUATED_ON: (0.10, [(P, D, 0.5), (A, D, 0.5)]),
}
BUILT_ON_LEVELS = 9  # levels 0..8: chains up to depth 8

for _rt, (_share, _pairs) in REL_SHARES.items():  # the table must obey the schema
    for _h, _t, _w in _pairs:
        assert (_h, _t) in ENDPOINTS[_rt], (_rt, _h, _t)

# -- vocabulary ---------------------------------------------------------------------

ARCH_PREFIX = ("Flash Deep Mega Swin Retro Hyper Sparse Mamba Gated Linear Fused Dual Neural "
               "Vision Audio Diffu Latent Graph Token Kite Lumen Nova Orion Astra Echo Helix "
               "Quantum Turbo Tiny Giga Cross Mixture Recur Conv Perceiv Spectral Fourier "
               "Hydra Falcon Raven Condor Aurora Zephyr Cobra Lynx Otter").split()
ARCH_CORE = ("Net Former BERT GAN Mixer Diffuser ViT Transformer LM Coder Seg Det Flow "
             "RNN Attn Mamba Kan Llama Gemma Phi Byte Pixel Voice Wave Graph Kite Rider "
             "Vision Sonic").split()
LIB_PREFIX = ("torch py jax tf fast deep open light auto tiny flash hyper neuro nano any lit "
              "easy mega ml keras onnx triton cuda rapid spacy hf open lean mini").split()
LIB_STEM = ("vista kite lumen forge grad flow bench serve lab hub train infer quant cast loom "
            "nest pipe vec tune scope spark stack craft mind fuse tensor data seg text audio "
            "graph rl vision metrics eval opt sched dist cache").split()
ORG_PREFIX = ("Acme Nimbus Vertex Cobalt Quill Helios Arcadia Borealis Cascade Delphi Ember "
              "Fathom Granite Halcyon Indigo Juniper Keystone Lattice Meridian Northwind Onyx "
              "Pinnacle Quasar Redwood Sequoia Tidal Umbra Vanguard Willow Xenon Yonder Zenith "
              "Bayview Crescent Lakeshore Summit Harbor Prairie Alpine Coastal").split()
ORG_KIND = "Labs AI Research Institute University Systems Collective Foundation Robotics Compute".split()
ORG_PLACE = [""] + ("Berlin Paris Toronto Tokyo Seoul Zurich Austin Boston London Montreal "
                    "Bangalore Shanghai Beijing Singapore Tel-Aviv Amsterdam Oxford Cambridge "
                    "Edinburgh Stanford Berkeley Seattle Pittsburgh Munich Vienna").split()
DATA_PREFIX = ("Image Text Speech Code Math Web Video Med Geo Chem Bio Law Finance News Dialog "
               "Table Scene Sketch Sign Molecule Protein Satellite Driving Retail").split()
DATA_CORE = "Kite Net Bench Corpus Pile QA Set Stack Vault Crawl Hub Eval Mix Arena Gym".split()
FIRST = ("Wei Ana Luca Priya Omar Sofia Kenji Amara Jonas Elena Ravi Mei Tomas Aisha Noah Yuki "
         "Carlos Fatima Ivan Lena Arjun Chloe Diego Hana Samir Nora Felix Zara Min Leo Ines Kofi "
         "Maya Pavel Rosa Tariq Vera Hugo Lina Oscar Nadia Emil Sara Jun Alma Bruno Dana Eli "
         "Gita Hiro Ilse Joao Kira Liam Mira Niko Olga Pia Quinn Rafael Sana Teo Uma Viktor "
         "Wen Xin Yara Zoe Anton Bea Cyrus Dora Ezra Freya Gael Hedda Igor Jana Kai Lars").split()
LAST = ("Zhang Wang Li Chen Liu Smith Garcia Muller Rossi Kim Park Nguyen Singh Patel Kumar "
        "Sato Tanaka Ivanov Silva Santos Cohen Levi Novak Dubois Martin Bernard Schmidt Weber "
        "Fischer Meyer Jensen Larsen Berg Nilsen Kowalski Horvath Popescu Yilmaz Ahmed Hassan "
        "Okafor Mensah Mwangi Diallo Haddad Rahman Gupta Sharma Iyer Rao Das Bose Huang Zhao "
        "Wu Zhou Xu Sun Ma Hu Guo Lin He Gao Luo Zheng Liang Song Tang Han Feng Deng Cao Peng "
        "Yamamoto Suzuki Watanabe Ito Kobayashi Lee Choi Jung Kang Cho Yoon Jang Lim Shin "
        "Anderson Brown Davis Miller Wilson Moore Taylor Thomas Jackson White Harris Clark "
        "Lewis Walker Hall Allen Young King Wright Scott Green Baker Adams Nelson Hill "
        "Campbell Mitchell Roberts Carter Phillips Evans Turner Torres Parker Collins Edwards "
        "Stewart Flores Morris Murphy Rivera Cook Rogers Morgan Peterson Cooper Reed Bailey "
        "Bell Gomez Kelly Howard Ward Cox Diaz Richardson Wood Watson Brooks Bennett Gray").split()
MIDDLE = [""] + [f"{c}." for c in "ABCDEFGHIJKLMNOPRSTVWY"]
ADJ = ("Scalable Efficient Sparse Robust Simple Unified Generalized Adaptive Hierarchical "
       "Contrastive Self-Supervised Multimodal Lightweight Causal Federated Differentiable "
       "Structured Latent Conditional Recurrent Hybrid Dynamic Implicit Equivariant Modular "
       "Distilled Quantized Long-Context Memory-Efficient Zero-Shot").split()
NOUN = ("Attention Transformers Representations Diffusion Pretraining Retrieval Tokenization "
        "Optimization Alignment Distillation Routing Embeddings Decoding Reasoning Adapters "
        "Normalization Convolutions Mixtures Priors Rewards Objectives Benchmarks Kernels "
        "Augmentation Planning Search Compression Fine-Tuning Scaling Grounding").split()
TASK = ("Language Modeling|Image Classification|Speech Recognition|Code Generation|Machine "
        "Translation|Object Detection|Question Answering|Protein Folding|Video Understanding|"
        "Reinforcement Learning|Semantic Segmentation|Text-to-Image Generation|Time Series "
        "Forecasting|Graph Learning|Recommendation|Robotics|Summarization|Dialogue|Theorem "
        "Proving|Weather Prediction|Tabular Data|Music Generation|3D Reconstruction|"
        "Information Extraction|Medical Imaging|Autonomous Driving|Anomaly Detection|"
        "Retrieval-Augmented Generation|Instruction Following|Math Word Problems").split("|")
TECHNIQUE = [""] + ("Mixture of Experts|Rotary Embeddings|Low-Rank Adapters|Flash Attention|"
                    "State Space Models|Contrastive Losses|Curriculum Learning|Synthetic Data|"
                    "Sparse Gating|Knowledge Distillation|Speculative Decoding|Vector "
                    "Quantization|Gradient Checkpointing|Weight Sharing").split("|")
SIZES_B = (1, 2, 3, 7, 8, 13, 14, 22, 34, 40, 65, 70, 175, 405)
SIZES_M = (60, 110, 125, 220, 340, 350, 560, 770)
DATA_SIZES = ("1K", "10K", "21K", "100K", "1M", "5B", "2023", "2024")
SOURCE_KINDS = ("newsletter", "arxiv", "docs", "feed", "list", "mail")

VERB = {RelType.IMPLEMENTS: "implements", RelType.BUILT_ON: "is built on",
        RelType.USES: "uses", RelType.DEVELOPED_BY: "was developed by",
        RelType.INTRODUCES: "introduces", RelType.AUTHORED_BY: "was written by",
        RelType.TRAINED_ON: "was trained on", RelType.EVALUATED_ON: "is evaluated on"}


def _mix(*parts: int) -> int:
    """splitmix64 over the parts: a fast, stable per-entity hash (no Random objects)."""
    x = 0x9E3779B97F4A7C15
    for p in parts:
        x = (x ^ (p & 0xFFFFFFFFFFFFFFFF)) * 0xBF58476D1CE4E5B9 & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 31
        x = (x * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 29
    return x


_LABEL_NO = {lab: i for i, lab in enumerate(Label)}


def _unique(candidates, limit: int) -> list[str]:
    """Candidates whose normalized forms are distinct (and digit-free), up to limit."""
    seen, out = set(), []
    for c in candidates:
        n = normalize_name(c)
        if not n or n in seen or any(ch.isdigit() for ch in n):
            continue
        seen.add(n)
        out.append(c)
        if len(out) >= limit:
            break
    return out


def _versions(need: int, base: list[str]) -> list[str]:
    """'' then digit-led version suffixes with distinct normalized forms."""
    out, seen = [""], {""}
    def add(v):
        n = normalize_name(v)
        if n not in seen:
            seen.add(n)
            out.append(v)
    for v in base:
        if len(out) >= need:
            return out
        add(v)
    n = 2
    while len(out) < need:
        add(f"-{n}")
        n += 1
    return out


@dataclass
class GenConfig:
    entities: int = 100_000
    relations: int = 300_000
    seed: int = 7
    entity_batch: int = 5_000
    relation_batch: int = 10_000
    mention_rate: float = 0.1   # share of relation edges that also yield a MENTIONS
    sources_per_batch_ratio: float = 0.1  # sources per relation edge in a batch


class GraphGenerator:
    """Streams a seeded synthetic graph; see the module docstring for its shape."""

    def __init__(self, cfg: GenConfig):
        self.cfg = cfg
        self.seed = cfg.seed
        shares = sum(LABEL_SHARES.values())
        self.n: dict[Label, int] = {lab: max(1, int(cfg.entities * s / shares))
                                    for lab, s in LABEL_SHARES.items()}
        self.n[P] += cfg.entities - sum(self.n.values())  # exact total
        shuffle = random.Random(cfg.seed)
        self._names: dict[Label, tuple[list[str], list[str]]] = {}
        for lab in (A, L, O, D, H):
            alphas, base_versions = self._vocab(lab, shuffle)
            need = math.ceil(self.n[lab] / len(alphas)) + 1
            self._names[lab] = (alphas, _versions(need, base_versions))
        self._tech = TECHNIQUE

    # -- names ---------------------------------------------------------------------
    @staticmethod
    def _vocab(lab: Label, rng: random.Random) -> tuple[list[str], list[str]]:
        def shuffled(seq):
            seq = list(seq)
            rng.shuffle(seq)
            return seq
        if lab == A:
            alphas = _unique((p + c for p, c in itertools.product(shuffled(ARCH_PREFIX),
                                                                  shuffled(ARCH_CORE))), 10**9)
            base = ([f"-{b}B" for b in SIZES_B] + [f"-{m}M" for m in SIZES_M]
                    + [f"-{n}" for n in range(2, 6)] + [f"-{a}.{b}" for a in range(1, 4)
                                                        for b in range(1, 10)])
        elif lab == L:
            alphas = _unique((p + s for p, s in itertools.product(shuffled(LIB_PREFIX),
                                                                  shuffled(LIB_STEM))), 10**9)
            base = [f"{n}" for n in range(2, 10)]
        elif lab == O:
            alphas = _unique((f"{p} {k}" + (f" {c}" if c else "")
                              for c in ORG_PLACE
                              for p, k in itertools.product(shuffled(ORG_PREFIX), ORG_KIND)), 10**9)
            base = [f" {n}" for n in range(2, 10)]
        elif lab == D:
            alphas = _unique((p + c for p, c in itertools.product(shuffled(DATA_PREFIX),
                                                                  shuffled(DATA_CORE))), 10**9)
            base = [f"-{s}" for s in DATA_SIZES]
        else:  # Person
            alphas = _unique((" ".join(x for x in (f, m, l) if x)
                              for m in MIDDLE
                              for f, l in itertools.product(shuffled(FIRST), shuffled(LAST))),
                             10**9)
            base = [f" {n}" for n in range(2, 10)]  # never needed below ~280 k persons
        return alphas, base

    def _style(self, lab: Label, raw: str, h: int) -> str:
        if lab == L:  # torchvista / TorchVista / torch-vista: same key
            for p in LIB_PREFIX:
                if raw.startswith(p):
                    head, tail = p, raw[len(p):]
                    break
            else:
                head, tail = raw, ""
            return (raw, head.capitalize() + tail.capitalize(),
                    f"{head}-{tail}" if tail else raw)[h % 3]
        return raw

    def name(self, lab: Label, i: int) -> str:
        if lab == P:
            return self._title(i)
        alphas, versions = self._names[lab]
        raw = alphas[i % len(alphas)] + versions[i // len(alphas)]
        return self._style(lab, raw, _mix(self.seed, _LABEL_NO[lab], i))

    def arxiv_id(self, i: int) -> str:
        month = (i * 7919 + self.seed) % 132  # 2015-01 .. 2025-12
        seq = i // 132 + 1
        return f"{15 + month // 12:02d}{month % 12 + 1:02d}.{seq:05d}"

    def _title(self, i: int) -> str:
        h = _mix(self.seed, 99, i)
        adj, noun = ADJ[h % len(ADJ)], NOUN[(h >> 8) % len(NOUN)]
        task = TASK[(h >> 16) % len(TASK)]
        tech = self._tech[(h >> 24) % len(self._tech)]
        core = f"{adj} {noun} for {task}" + (f" with {tech}" if tech else "")
        if i < self.n[A]:  # the paper that introduces architecture i
            return f"{self.name(A, i)}: {core}"
        return core

    def key(self, lab: Label, i: int) -> str:
        if lab == P:
            return f"arxiv:{self.arxiv_id(i)}"
        return normalize_name(self.name(lab, i))

    def ref(self, lab: Label, i: int) -> EntityRef:
        return EntityRef(lab, self.key(lab, i), self.name(lab, i))

    # -- entities ------------------------------------------------------------------
    def aliases(self, lab: Label, i: int, name: str) -> list[str]:
        h = _mix(self.seed, 7, _LABEL_NO[lab], i)
        k = 1 + h % 3
        out: list[str] = []
        if lab == P:
            aid = self.arxiv_id(i)
            cands = [f"arXiv:{aid}", name.split(":")[0] if ":" in name else name.lower(),
                     f"{aid}v{1 + (h >> 4) % 3}"]
        elif lab == H:
            parts = name.split()
            cands = [f"{parts[0][0]}. {parts[-1]}", f"{parts[-1]}, {' '.join(parts[:-1])}",
                     name.upper()]
        elif lab == O:
            words = name.split()
            cands = ["".join(w[0] for w in words if w[0].isalpha()) + "-" + words[0],
                     words[0] + " " + words[1] if len(words) > 2 else words[0],
                     f"{name} Inc."]
        else:
            acronym = "".join(ch for ch in name if ch.isupper()) or name[:3].upper()
            digits = "".join(ch for ch in name if ch.isdigit())
            suffix = {A: " model", L: "-py", D: " dataset"}[lab]
            cands = [f"{acronym}-{digits}" if digits else f"{acronym}{_mix(i, 3) % 100}",
                     name + suffix, name.replace("-", " ").lower()]
        for c in cands:
            if c and c != name and c not in out:
                out.append(c)
            if len(out) >= k:
                break
        return out

    def entity(self, lab: Label, i: int) -> Entity:
        name = self.name(lab, i)
        props: dict = {}
        if lab == P:
            props = {"arxiv_id": self.arxiv_id(i),
                     "published": f"20{self.arxiv_id(i)[:2]}-{self.arxiv_id(i)[2:4]}-15"}
        elif lab == L:
            props = {"repo": f"https://github.com/{normalize_name(name)}/{normalize_name(name)}"}
        elif lab == A:
            props = {"modality": ("text", "vision", "audio", "multimodal")[i % 4]}
        return Entity(lab, name, self.aliases(lab, i, name), props)

    def entity_batches(self) -> Iterator[GraphBatch]:
        """All entities, ``entity_batch`` per batch, labels interleaved."""
        order = [lab for lab in (A, L, P, O, D, H)]
        cursors = {lab: 0 for lab in order}
        batch: list[Entity] = []
        while any(cursors[lab] < self.n[lab] for lab in order):
            for lab in order:  # proportional round-robin so each batch mixes labels
                take = max(1, round(self.cfg.entity_batch * self.n[lab] / self.cfg.entities))
                end = min(self.n[lab], cursors[lab] + take)
                batch.extend(self.entity(lab, j) for j in range(cursors[lab], end))
                cursors[lab] = end
            if len(batch) >= self.cfg.entity_batch:
                yield GraphBatch(entities=batch)
                batch = []
        if batch:
            yield GraphBatch(entities=batch)

    # -- relations -----------------------------------------------------------------
    def _power(self, rng: random.Random, n: int, alpha: float) -> int:
        """Index in [0, n): index 0 is the most popular; larger alpha = heavier head."""
        return min(n - 1, int(n * rng.random() ** alpha))

    def _level_range(self, lab: Label, level: int) -> tuple[int, int]:
        n = self.n[lab]
        return (level * n // BUILT_ON_LEVELS, (level + 1) * n // BUILT_ON_LEVELS)

    def _endpoints(self, rng: random.Random, rt: RelType, head: Label, tail: Label) -> tuple[int, int]:
        nh, nt = self.n[head], self.n[tail]
        if rt == RelType.BUILT_ON:
            if nh < BUILT_ON_LEVELS * 2:
                i = rng.randrange(nh)
                return i, rng.randrange(i) if i else 0
            level = rng.randrange(1, BUILT_ON_LEVELS)
            lo, hi = self._level_range(head, level)
            h = rng.randrange(lo, hi)
            tail_level = level - 1 if rng.random() < 0.85 else rng.randrange(level)
            lo, hi = self._level_range(tail, tail_level)
            return h, lo + self._power(rng, hi - lo, 2.5)
        if rt == RelType.INTRODUCES and tail == A and rng.random() < 0.7:
            i = rng.randrange(min(nh, nt))
            return i, i
        if rt == RelType.IMPLEMENTS:
            return self._power(rng, nh, 1.5), self._power(rng, nt, 3.0)
        if rt in (RelType.TRAINED_ON, RelType.EVALUATED_ON):
            return rng.randrange(nh), self._power(rng, nt, 4.0)
        if rt == RelType.DEVELOPED_BY:
            return rng.randrange(nh), self._power(rng, nt, 3.0 if tail == O else 1.5)
        if rt == RelType.USES:
            return rng.randrange(nh), self._power(rng, nt, 3.0)
        if rt == RelType.AUTHORED_BY:
            return rng.randrange(nh), self._power(rng, nt, 1.8)
        return rng.randrange(nh), rng.randrange(nt)

    def relation_batches(self) -> Iterator[GraphBatch]:
        """``relations`` edges in batches of ``relation_batch``, each edge with 1–3
        pieces of evidence, plus the sources they cite and some mentions."""
        cfg = self.cfg
        rng = random.Random(cfg.seed * 1_000_003 + 17)
        types = list(REL_SHARES)
        weights = [REL_SHARES[t][0] for t in types]
        shapes = {t: ([(h, tl) for h, tl, _ in REL_SHARES[t][1]],
                      [w for _, _, w in REL_SHARES[t][1]]) for t in types}
        remaining, batch_no = cfg.relations, 0
        self._seen_targets = {"implementations": [], "upstream": []}
        seen_count = {"implementations": 0, "upstream": 0}
        reservoir = random.Random(cfg.seed + 5)
        while remaining > 0:
            size = min(cfg.relation_batch, remaining)
            remaining -= size
            n_src = max(1, int(size * cfg.sources_per_batch_ratio))
            kinds = [SOURCE_KINDS[(batch_no + j) % len(SOURCE_KINDS)] for j in range(n_src)]
            src_ids = [f"{kinds[j]}:bench-{cfg.seed}-{batch_no}-{j}" for j in range(n_src)]
            used: set[int] = set()
            relations: list[Relation] = []
            mentions: list[Mention] = []
            rtypes = rng.choices(types, weights, k=size)
            for rt in rtypes:
                pairs, pw = shapes[rt]
                head_lab, tail_lab = pairs[0] if len(pairs) == 1 else rng.choices(pairs, pw)[0]
                hi, ti = self._endpoints(rng, rt, head_lab, tail_lab)
                if head_lab == tail_lab and hi == ti:  # no self loops
                    ti = (ti + 1) % self.n[tail_lab]
                    if rt == RelType.BUILT_ON:
                        continue
                head, tail = self.ref(head_lab, hi), self.ref(tail_lab, ti)
                kind = ("implementations" if rt == RelType.IMPLEMENTS else
                        "upstream" if rt == RelType.BUILT_ON else None)
                if kind:  # reservoir sample of names that have results
                    target = (tail_lab, ti) if kind == "implementations" else (head_lab, hi)
                    seen_count[kind] += 1
                    bucket = self._seen_targets[kind]
                    if len(bucket) < 5000:
                        bucket.append(target)
                    else:
                        j = reservoir.randrange(seen_count[kind])
                        if j < 5000:
                            bucket[j] = target
                r = rng.random()
                k = 1 if r < 0.6 else 2 if r < 0.9 else 3
                for s in rng.sample(range(n_src), min(k, n_src)):
                    used.add(s)
                    ev = Evidence(src_ids[s], f"{head.name} {VERB[rt]} {tail.name}.",
                                  "bench-generator", "1", round(0.5 + 0.5 * rng.random(), 3))
                    relations.append(Relation(rt, head, tail, ev))
                if rng.random() < cfg.mention_rate:
                    mentions.append(Mention(relations[-1].evidence.source_id, head,
                                            f"... {head.name} ..."))
            sources = [SourceDoc(src_ids[j], kinds[j], f"https://example.org/{src_ids[j]}",
                                 f"2025-{1 + j % 12:02d}-{1 + j % 28:02d}",
                                 f"{_mix(cfg.seed, batch_no, j):016x}",
                                 f"Bench source {batch_no}/{j}")
                       for j in sorted(used)]
            batch_no += 1
            yield GraphBatch(sources=sources, relations=relations, mentions=mentions)

    def batches(self) -> Iterator[GraphBatch]:
        yield from self.entity_batches()
        yield from self.relation_batches()

    # -- query workloads -----------------------------------------------------------
    def query_names(self, kind: str, count: int, *, seed: int | None = None,
                    miss_rate: float = 0.1, alias_rate: float = 0.1,
                    hit_rate: float = 0.5) -> list[str]:
        """Names to look up. ``hit_rate`` of them are entities known to have a
        result (a reservoir sample of IMPLEMENTS tails / BUILT_ON heads taken while
        ``relation_batches`` ran; needs the relations generated first); the rest:
        ``implementations`` draws architectures (half of them from the popular
        head) and papers; ``upstream`` draws libraries and architectures from the
        upper BUILT_ON levels. ``alias_rate`` are aliases, ``miss_rate`` misses."""
        rng = random.Random(self.seed * 31 + (seed or 0) + (1 if kind == "upstream" else 0))
        known = getattr(self, "_seen_targets", {}).get(kind, [])
        out = []
        for _ in range(count):
            r = rng.random()
            if r < miss_rate:
                out.append(f"{rng.choice(ARCH_PREFIX)}Missing{rng.randrange(10**6)}-{rng.randrange(99)}X")
                continue
            if known and r < miss_rate + hit_rate:
                lab, i = rng.choice(known)
            elif kind == "implementations":
                lab = A if rng.random() < 0.6 else P
                i = self._power(rng, self.n[lab], 3.0) if rng.random() < 0.5 else rng.randrange(self.n[lab])
            else:
                lab = A if rng.random() < 0.5 else L
                lo, _ = self._level_range(lab, 4)
                i = rng.randrange(lo, self.n[lab]) if self.n[lab] > lo else rng.randrange(self.n[lab])
            name = self.name(lab, i)
            if rng.random() < alias_rate / (1 - miss_rate):
                aliases = self.aliases(lab, i, name)
                name = aliases[0] if aliases else name
            out.append(name)
        return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Generate a synthetic mlkg graph and summarize it.")
    ap.add_argument("--entities", type=int, default=10_000)
    ap.add_argument("--relations", type=int, default=30_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show", type=int, default=3, help="example entities per label")
    args = ap.parse_args(argv)
    gen = GraphGenerator(GenConfig(entities=args.entities, relations=args.relations, seed=args.seed))
    t0 = time.perf_counter()
    labels, rtypes, n_rel, n_src, n_men, n_alias = Counter(), Counter(), 0, 0, 0, 0
    keys: dict[Label, set] = {lab: set() for lab in Label}
    edges = set()
    for batch in gen.batches():
        for e in batch.entities:
            labels[e.label] += 1
            n_alias += len(e.aliases)
            keys[e.label].add(e.key)
        for r in batch.relations:
            n_rel += 1
            edges.add((r.type, r.head.key, r.tail.key))
            rtypes[r.type] += 1
        n_src += len(batch.sources)
        n_men += len(batch.mentions)
    dt = time.perf_counter() - t0
    print(f"generated in {dt:.1f}s: {sum(labels.values()):,} entities "
          f"({', '.join(f'{k}={v:,}' for k, v in labels.items())}), {n_alias:,} aliases, "
          f"{len(edges):,} distinct edges from {n_rel:,} evidence rows, {n_src:,} sources, "
          f"{n_men:,} mentions")
    dupes = {str(k): labels[k] - len(v) for k, v in keys.items() if labels[k] != len(v)}
    print("duplicate keys:", dupes or "none")
    print("evidence rows per type:", dict(rtypes))
    for lab in Label:
        print(f"  {lab}: " + "; ".join(f"{gen.name(lab, i)!r} {gen.aliases(lab, i, gen.name(lab, i))}"
                                       for i in range(min(args.show, gen.n[lab]))))
    print("implementations names:", gen.query_names("implementations", 6))
    print("upstream names:", gen.query_names("upstream", 6))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
