// A shortest path between two entities over the schema's relations, either direction.
// params: from, to
// returns: nodes, relations, length
MATCH (:Alias {norm: $from_key})-[:ALIAS_OF]->(a:Entity)
MATCH (:Alias {norm: $to_key})-[:ALIAS_OF]->(b:Entity)
WITH a, b WHERE a <> b
WITH a, b LIMIT 1
{{shortest_path a b p 6}}
RETURN [n IN nodes(p) | n.name] AS nodes, [r IN relationships(p) | type(r)] AS relations,
       length(p) AS length
