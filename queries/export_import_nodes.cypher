// One page of every node (entities, aliases, sources, runs, quarantine) with its labels
// and properties, after internal id $after, in id order (kg export --format neo4j-import).
// optional: after=-1, limit=10000
// returns: id, labels, props
MATCH (n)
WHERE id(n) > $after
RETURN id(n) AS id, labels(n) AS labels, properties(n) AS props
ORDER BY id
LIMIT $limit
