// What an organization (or person) made, released or published.
// params: organization
// optional: include_rejected=false
// returns: artifact, label
MATCH (:Alias {norm: $organization_key})-[:ALIAS_OF]->(o:Entity)
WITH o
WHERE o:Organization OR o:Person
MATCH (a:Entity)-[r:DEVELOPED_BY]->(o)
WHERE ($include_rejected OR o.rejected IS NULL) AND ($include_rejected OR r.rejected IS NULL) AND ($include_rejected OR a.rejected IS NULL)
RETURN DISTINCT a.name AS artifact, a.label AS label
ORDER BY label, artifact
