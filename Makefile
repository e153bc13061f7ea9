# The two front-door commands (see README.md): `make demo` and `make test`.
PYTHON ?= python3
STORE ?= data/graph
PORT ?= 8000

.PHONY: install install-system neo4j-test-server demo test bench train

install:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test,train,ray]'

# From Debian: Chromium + driver for the web page's browser test, and
# docker-compose to validate docker-compose.yml (no Docker engine is needed).
install-system:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 \
	  && command -v docker-compose >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium chromium-driver docker-compose; }

# Neo4j 5.26 Community from Maven Central, for the Neo4j half of the tests.
neo4j-test-server:
	$(PYTHON) tools/neo4j_server.py build

# Main job on the embedded default store: ingest the bundled corpus, answer
# lineage questions, then serve the API and web page.
demo: install
	kg ingest examples/corpus --store $(STORE)
	kg query implementations --param name=MLP-Mixer --store $(STORE)
	kg query upstream --param name=functorch --store $(STORE)
	kg query developers --param name=GreyKite --store $(STORE)
	kg serve --store $(STORE) --port $(PORT)

# Retrain the shipped extractor models (ingest/extract/models) from the committed
# annotations and the shared text (hash-checked): spacy pretrain, spacy train (NER),
# two cross-fitted NERs (build/folds), the mention scorer, then the relation model.
# Fixed seeds; ~30 min on 2 cores; reproduces the shipped weights.
CORPUS ?= ../shared/corpus/training
train: install
	$(PYTHON) -m ingest.extract.training all --corpus $(CORPUS)

test: install install-system neo4j-test-server
	$(PYTHON) -m pytest

bench: install neo4j-test-server
	$(PYTHON) bench/extract.py && $(PYTHON) bench/generalization.py && $(PYTHON) bench/ingest.py && $(PYTHON) bench/load.py && $(PYTHON) bench/query.py && $(PYTHON) bench/http_load.py && $(PYTHON) bench/open_time.py
