// What an entity is built on, transitively (BUILT_ON chains), nearest first.
// params: name
// optional: max_depth=10, include_rejected=false
// returns: name, label, depth
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(start:Entity)
MATCH p = (start)-[:BUILT_ON*1..10]->(up:Entity)
WHERE length(p) <= $max_depth AND ($include_rejected OR start.rejected IS NULL)
  AND all(e IN relationships(p) WHERE ($include_rejected OR e.rejected IS NULL))
  AND all(v IN nodes(p) WHERE ($include_rejected OR v.rejected IS NULL))
WITH up, min(length(p)) AS depth
RETURN up.name AS name, up.label AS label, depth
ORDER BY depth, name
