"""Fixtures of the tests that run extraction on a local Ray (test_ray_executor.py,
test_stage.py): one Ray session, one extractor and the same documents per module."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import unavailable
from ingest.sources import read_path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "examples" / "corpus" / "arxiv-potw.jsonl"
N_DOCS = 60


@pytest.fixture(scope="module")
def ray_session():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        unavailable("Ray is not installed (pip install 'mlkg[ray]')")
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=200 * 2**20,
             log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def extractor():
    from ingest.extract.pipeline import Extractor
    return Extractor()


@pytest.fixture(scope="module")
def docs():
    """60 arXiv records and one of them again, changed: the same id twice in one window
    (of 40 documents: 40-79), planned before either is loaded — it must end replaced,
    as on the local path, and be staged twice, in order."""
    docs = list(read_path(str(CORPUS)))[:N_DOCS]
    changed = list(read_path(str(CORPUS)))[45]
    changed.text += "\nThe code builds on PyTorch."
    return docs + [changed]
