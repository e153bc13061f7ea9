// What an organization (or person) made, released or published.
// params: organization
// returns: artifact, label
MATCH (:Alias {norm: $organization_key})-[:ALIAS_OF]->(o:Entity)
WHERE o:Organization OR o:Person
MATCH (a:Entity)-[:DEVELOPED_BY]->(o)
RETURN DISTINCT a.name AS artifact, a.label AS label
ORDER BY label, artifact
