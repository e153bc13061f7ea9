// What is built on an entity, transitively (reverse BUILT_ON chains), nearest first.
// params: name
// optional: max_depth=10
// returns: name, label, depth
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(start:Entity)
MATCH p = (start)<-[:BUILT_ON*1..10]-(down:Entity)
WHERE length(p) <= $max_depth
WITH down, min(length(p)) AS depth
RETURN down.name AS name, down.label AS label, depth
ORDER BY depth, name
