// What an entity is built on, transitively (BUILT_ON chains), nearest first.
// params: name
// optional: max_depth=10
// returns: name, label, depth
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(start:Entity)
MATCH p = (start)-[:BUILT_ON*1..10]->(up:Entity)
WHERE length(p) <= $max_depth
WITH up, min(length(p)) AS depth
RETURN up.name AS name, up.label AS label, depth
ORDER BY depth, name
