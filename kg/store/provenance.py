"""Statements for the ingest bookkeeping that lives in the graph: source state
(the content hash and extractor version that mark a document as loaded),
retraction of one source's facts, ingest runs and the quarantine.

Shared by both backends (plain Cypher, values as parameters).
"""
from __future__ import annotations

from kg.schema import INGEST_RUN_LABEL, MENTIONS, SOURCE_LABEL
from kg.store.writes import ALIAS_LABEL, ALIAS_OF

QUARANTINE_LABEL = "Quarantined"

SOURCE_STATE = f"""
UNWIND $ids AS sid
MATCH (s:{SOURCE_LABEL} {{id: sid}})
RETURN s.id AS id, s.content_hash AS content_hash, s.extractor_version AS extractor_version,
       s.status AS status
"""

HALF_LOADED = f"MATCH (s:{SOURCE_LABEL} {{status: 'loading'}}) RETURN s.id AS id ORDER BY id"
MARK_RETRACTED = f"MATCH (s:{SOURCE_LABEL} {{id: $id}}) SET s.status = 'retracted'"
# the ingest lock on Neo4j: a node created and deleted in one open transaction; its
# uniqueness-constraint lock makes a second MERGE wait until the first commits
INGEST_LOCK = "MERGE (l:IngestLock {id: 'ingest'}) DELETE l"

# A source is written first with status 'loading' and marked 'done' last, so a
# crash in between leaves a visible half-load that the next run retracts and redoes.
MARK_LOADING = f"""
UNWIND $rows AS row
MERGE (s:{SOURCE_LABEL} {{id: row.id}})
ON CREATE SET s.first_seen = row.seen
SET s.status = 'loading', s.last_seen = row.seen
"""

MARK_DONE = f"""
UNWIND $rows AS row
MATCH (s:{SOURCE_LABEL} {{id: row.id}})
SET s.status = 'done', s.content_hash = row.content_hash,
    s.extractor_version = row.extractor_version
"""

# Retraction: drop the source from every relation it supports (through the
# entities it mentions), delete relations nobody supports any more, then its
# mentions, then entities that no source mentions any more (with their aliases).
# What a person curated stays: an asserted relation needs no source, and an entity
# a curation made or vouched for (``curated``) outlives its last mention.
RETRACT_RELATIONS = f"""
MATCH (s:{SOURCE_LABEL} {{id: $id}})-[:{MENTIONS}]->(n)
MATCH (n)-[r]-()
WHERE type(r) <> '{MENTIONS}' AND type(r) <> '{ALIAS_OF}' AND $id IN r.sources
WITH DISTINCT r
WITH r, [i IN range(0, size(r.sources) - 1) WHERE r.sources[i] <> $id] AS keep
SET r.evidence = [i IN keep | r.evidence[i]],
    r.extractors = [i IN keep WHERE i < size(coalesce(r.extractors, [])) | r.extractors[i]],
    r.confidences = [i IN keep WHERE i < size(coalesce(r.confidences, [])) | r.confidences[i]],
    r.sources = [i IN keep | r.sources[i]], r.support = size(keep)
"""

DELETE_UNSUPPORTED = f"""
MATCH (s:{SOURCE_LABEL} {{id: $id}})-[:{MENTIONS}]->(n)
MATCH (n)-[r]-()
WHERE type(r) <> '{MENTIONS}' AND type(r) <> '{ALIAS_OF}' AND r.support = 0
  AND r.asserted IS NULL
DELETE r
"""

RETRACT_MENTIONS = f"""
MATCH (s:{SOURCE_LABEL} {{id: $id}})-[m:{MENTIONS}]->(n)
DELETE m
WITH DISTINCT n
OPTIONAL MATCH (:{SOURCE_LABEL})-[other:{MENTIONS}]->(n)
WITH n, count(other) AS mentions
WHERE mentions = 0 AND n.curated IS NULL
OPTIONAL MATCH (a:{ALIAS_LABEL})-[:{ALIAS_OF}]->(n)
DETACH DELETE n, a
"""

DELETE_SOURCE = f"MATCH (s:{SOURCE_LABEL} {{id: $id}}) DETACH DELETE s"

RUN_START = f"""
CREATE (r:{INGEST_RUN_LABEL} {{id: $id, job: $job, started: $started, status: 'running',
                               params: $params}})
"""

RUN_FINISH = f"""
MATCH (r:{INGEST_RUN_LABEL} {{id: $id}})
SET r += $fields
"""

LAST_SUCCESS = f"""
MATCH (r:{INGEST_RUN_LABEL} {{job: $job, status: 'succeeded'}})
RETURN r.id AS id, r.started AS started, r.finished AS finished, r.watermark AS watermark
ORDER BY r.finished DESC
LIMIT 1
"""

RUNS = f"""
MATCH (r:{INGEST_RUN_LABEL})
RETURN properties(r) AS run
ORDER BY r.started DESC
LIMIT $limit
"""

QUARANTINE_PUT = f"""
MERGE (q:{QUARANTINE_LABEL} {{id: $id}})
ON CREATE SET q.first_seen = $at, q.attempts = 0
SET q.origin = $origin, q.reason = $reason, q.stage = $stage, q.at = $at,
    q.payload = $payload, q.refetch = $refetch, q.attempts = q.attempts + 1
"""

QUARANTINE_LIST = f"""
MATCH (q:{QUARANTINE_LABEL})
RETURN q.id AS id, q.origin AS origin, q.stage AS stage, q.reason AS reason, q.at AS at,
       q.attempts AS attempts, q.payload AS payload, q.refetch AS refetch
ORDER BY at DESC, id
"""

QUARANTINE_CLEAR = f"MATCH (q:{QUARANTINE_LABEL} {{id: $id}}) DELETE q"
