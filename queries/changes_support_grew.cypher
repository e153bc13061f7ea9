// Older relations that gained support from sources first seen since a date.
// params: since
// optional: limit=1000
// returns: head, type, tail, support, new_sources
MATCH (s:Source)-[:MENTIONS]->(h:Entity)-[r]->(t:Entity)
WHERE s.first_seen >= $since AND r.first_seen < $since AND s.id IN r.sources
WITH h, r, t, collect(DISTINCT s.id) AS fresh
RETURN h.name AS head, type(r) AS type, t.name AS tail, r.support AS support,
       size(fresh) AS new_sources
ORDER BY type, head, tail
LIMIT $limit
