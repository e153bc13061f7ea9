// Who made, released, open-sourced or published an entity (DEVELOPED_BY).
// params: name
// returns: developer, label
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(x:Entity)
MATCH (x)-[:DEVELOPED_BY]->(d:Entity)
RETURN DISTINCT d.name AS developer, d.label AS label
ORDER BY developer
