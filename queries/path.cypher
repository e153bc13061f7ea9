// A shortest path between two entities over the schema's relations, either direction.
// params: from, to
// optional: include_rejected=false
// returns: nodes, relations, length
MATCH (:Alias {norm: $from_key})-[:ALIAS_OF]->(a:Entity)
MATCH (:Alias {norm: $to_key})-[:ALIAS_OF]->(b:Entity)
WITH a, b WHERE a <> b AND ($include_rejected OR a.rejected IS NULL) AND ($include_rejected OR b.rejected IS NULL)
WITH a, b LIMIT 1
{{shortest_path a b p 6}}
WITH p WHERE $include_rejected OR (all(e IN relationships(p) WHERE e.rejected IS NULL)
                                  AND all(v IN nodes(p) WHERE v.rejected IS NULL))
RETURN [n IN nodes(p) | n.name] AS nodes, [r IN relationships(p) | type(r)] AS relations,
       length(p) AS length
