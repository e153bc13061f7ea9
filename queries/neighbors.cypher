// Every entity one relation away, with the relation's type, direction and support.
// params: name
// optional: include_rejected=false
// returns: relation, direction, neighbor, label, support
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(x:Entity)
WITH x
MATCH (x)-[r]-(y:Entity)
WHERE ($include_rejected OR x.rejected IS NULL) AND ($include_rejected OR r.rejected IS NULL) AND ($include_rejected OR y.rejected IS NULL)
RETURN type(r) AS relation,
       CASE WHEN startNode(r) = x THEN 'out' ELSE 'in' END AS direction,
       y.name AS neighbor, y.label AS label, r.support AS support
ORDER BY relation, direction, neighbor
