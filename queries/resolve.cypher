// The entities a name, alias or arXiv id resolves to (case and punctuation folded).
// params: name
// optional: include_rejected=false
// returns: name, label, key
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(x:Entity)
WHERE ($include_rejected OR x.rejected IS NULL)
RETURN DISTINCT x.name AS name, x.label AS label, x.key AS key
ORDER BY label, name
