// Who made, released, open-sourced or published an entity (DEVELOPED_BY).
// params: name
// optional: include_rejected=false
// returns: developer, label
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(x:Entity)
WITH x
MATCH (x)-[r:DEVELOPED_BY]->(d:Entity)
WHERE ($include_rejected OR x.rejected IS NULL) AND ($include_rejected OR r.rejected IS NULL) AND ($include_rejected OR d.rejected IS NULL)
RETURN DISTINCT d.name AS developer, d.label AS label
ORDER BY developer
