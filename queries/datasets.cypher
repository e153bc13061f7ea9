// Datasets an architecture, model or paper was trained or evaluated on (TRAINED_ON,
// EVALUATED_ON), including those of the paper that introduced it (and, for a paper,
// of the architectures it introduced).
// params: name
// optional: include_rejected=false
// returns: dataset, relation, support
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(x:Entity)
WHERE ($include_rejected OR x.rejected IS NULL)
OPTIONAL MATCH (x)-[i:INTRODUCES]-(related:Entity)
WHERE ($include_rejected OR i.rejected IS NULL) AND ($include_rejected OR related.rejected IS NULL)
WITH collect(DISTINCT x) + collect(DISTINCT related) AS subjects
UNWIND subjects AS s
MATCH (s)-[r:TRAINED_ON|EVALUATED_ON]->(d:Dataset)
WHERE ($include_rejected OR r.rejected IS NULL) AND ($include_rejected OR d.rejected IS NULL)
RETURN d.name AS dataset, type(r) AS relation, max(r.support) AS support
ORDER BY dataset, relation
