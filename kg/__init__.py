"""mlkg: a knowledge graph of machine-learning research artifacts."""

__version__ = "0.1.0"
