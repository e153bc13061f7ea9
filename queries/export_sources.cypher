// One page of source documents with the entities each mentions, in a stable order (exports).
// optional: skip=0, limit=1000
// returns: props, mentions
MATCH (s:Source)
WITH s ORDER BY s.id SKIP $skip LIMIT $limit
OPTIONAL MATCH (s)-[m:MENTIONS]->(n:Entity)
WITH s, collect([n.label, n.key, m.snippet]) AS mentions
RETURN properties(s) AS props, mentions
ORDER BY props.id
