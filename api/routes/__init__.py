"""Thin HTTP routes; each module exposes ``router``. All work is in ``api.service``."""
ROUTE_MODULES = ("health", "search", "entities", "browse", "lineage", "ask", "queries",
                 "cypher", "ingest", "curation")
