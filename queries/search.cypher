// Full-text search over entity names and aliases: prefix and typo tolerant; a node whose
// outside identifier (GitHub repo, PyPI name, Hugging Face id) is the query ranks first,
// then an exact name or alias match, then a name or alias that starts with the query,
// then the rest by full-text score; `label` keeps one entity type ('' for all).
// ($q_ids and $q_pypi are derived from q by the store: kg/identifiers.py search_params.)
// params: q
// optional: limit=10, label=, include_rejected=false
// returns: name, label, key, score
{{fulltext_entities $q_fulltext}}
WITH collect({node: node, score: score, by_id: 0}) AS hits
OPTIONAL MATCH (r:Entity) WHERE r.repo IN $q_ids
WITH hits, collect(r) AS by_repo
OPTIONAL MATCH (p:Entity) WHERE p.pypi = $q_pypi
WITH hits, by_repo, collect(p) AS by_pypi
OPTIONAL MATCH (h:Entity) WHERE h.hf_id IN $q_ids
WITH hits, by_repo, by_pypi, collect(h) AS by_hf
UNWIND hits + [x IN by_repo + by_pypi + by_hf | {node: x, score: 0.0, by_id: 1}] AS hit
WITH hit.node AS node, max(hit.score) AS score, max(hit.by_id) AS by_id
WHERE ($label = '' OR node.label = $label) AND ($include_rejected OR node.rejected IS NULL)
OPTIONAL MATCH (exact:Alias {norm: $q_key})-[:ALIAS_OF]->(node)
WITH node, score, CASE
    WHEN by_id = 1 THEN 3
    WHEN exact IS NOT NULL THEN 2
    WHEN node.key STARTS WITH $q_key OR toLower(node.name) STARTS WITH toLower($q)
         OR any(a IN coalesce(node.aliases, []) WHERE toLower(a) STARTS WITH toLower($q)) THEN 1
    ELSE 0 END AS tier
RETURN node.name AS name, node.label AS label, node.key AS key, score
ORDER BY tier DESC, score DESC, name
LIMIT $limit
