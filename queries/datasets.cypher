// Datasets an architecture, model or paper was trained or evaluated on (TRAINED_ON,
// EVALUATED_ON), including those of the paper that introduced it (and, for a paper,
// of the architectures it introduced).
// params: name
// returns: dataset, relation, support
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(x:Entity)
OPTIONAL MATCH (x)-[:INTRODUCES]-(related:Entity)
WITH collect(DISTINCT x) + collect(DISTINCT related) AS subjects
UNWIND subjects AS s
MATCH (s)-[r:TRAINED_ON|EVALUATED_ON]->(d:Dataset)
RETURN d.name AS dataset, type(r) AS relation, max(r.support) AS support
ORDER BY dataset, relation
