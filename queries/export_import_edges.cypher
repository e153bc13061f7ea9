// One page of every relationship (schema relations, MENTIONS, ALIAS_OF) with its
// endpoints' labels and ids, after internal id $after, in id order (kg export --format
// neo4j-import).
// optional: after=-1, limit=10000
// returns: id, type, head_labels, head, tail_labels, tail, props
MATCH (a)-[r]->(b)
WHERE id(r) > $after
RETURN id(r) AS id, type(r) AS type, labels(a) AS head_labels,
       coalesce(a.key, a.norm, a.id) AS head, labels(b) AS tail_labels,
       coalesce(b.key, b.norm, b.id) AS tail, properties(r) AS props
ORDER BY id
LIMIT $limit
