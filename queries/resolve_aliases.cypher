// Which existing entities answer to these normalized names (used by ingest to
// map a new surface form onto a node that already has it as an alias).
// params: norms
// returns: norm, label, key, name
UNWIND $norms AS norm
MATCH (:Alias {norm: norm})-[:ALIAS_OF]->(n:Entity)
RETURN norm, n.label AS label, n.key AS key, n.name AS name
ORDER BY norm, label, key
