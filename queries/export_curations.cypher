// One page of curation records (who, when, why, what, active or undone), in a stable
// order (exports).
// optional: skip=0, limit=1000
// returns: props
MATCH (c:Curation)
WITH c ORDER BY c.at, c.id SKIP $skip LIMIT $limit
RETURN properties(c) AS props
