// One page of entity nodes with all their properties, in a stable order (exports).
// optional: skip=0, limit=1000
// returns: key, label, props
MATCH (n:Entity)
RETURN n.key AS key, n.label AS label, properties(n) AS props
ORDER BY label, key
SKIP $skip LIMIT $limit
