// Relations first seen since a date, with their support and evidence, for the changelog.
// params: since
// optional: limit=1000
// returns: head, type, tail, support, first_seen, evidence
MATCH (h:Entity)-[r]->(t:Entity)
WHERE r.first_seen >= $since
RETURN h.name AS head, type(r) AS type, t.name AS tail, r.support AS support,
       r.first_seen AS first_seen, r.evidence[0] AS evidence
ORDER BY first_seen, type, head, tail
LIMIT $limit
