// Every relation of one entity, in either direction, with its evidence sentences,
// sources (parallel lists), support, confidence and extractor: the entity page's lineage.
// params: label, key
// returns: relation, direction, name, label, key, support, confidence, sources, evidence, extractor, extractor_version, first_seen, last_seen
MATCH (n:Entity {key: $key})
WHERE n.label = $label
MATCH (n)-[r]-(m:Entity)
RETURN type(r) AS relation,
       CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction,
       m.name AS name, m.label AS label, m.key AS key,
       r.support AS support, r.confidence AS confidence,
       r.sources AS sources, r.evidence AS evidence,
       r.extractor AS extractor, r.extractor_version AS extractor_version,
       r.first_seen AS first_seen, r.last_seen AS last_seen
ORDER BY relation, direction, name
