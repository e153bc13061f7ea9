// Entities first seen since a date (ISO date or timestamp), for the changelog.
// params: since
// optional: limit=1000
// returns: name, label, key, first_seen
MATCH (n:Entity)
WHERE n.first_seen >= $since
RETURN n.name AS name, n.label AS label, n.key AS key, n.first_seen AS first_seen
ORDER BY first_seen, label, name
LIMIT $limit
