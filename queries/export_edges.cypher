// One page of relations between entities with all their properties (evidence,
// sources, support, …), in a stable order (exports).
// optional: skip=0, limit=1000
// returns: head_label, head_key, relation, tail_label, tail_key, props
MATCH (a:Entity)-[r]->(b:Entity)
RETURN a.label AS head_label, a.key AS head_key, type(r) AS relation,
       b.label AS tail_label, b.key AS tail_key, properties(r) AS props
ORDER BY head_label, head_key, relation, tail_label, tail_key
SKIP $skip LIMIT $limit
