// The source documents behind one entity: those its relations cite as evidence and
// those that mention it, newest first, with the mention's snippet when there is one.
// params: label, key
// returns: id, kind, title, url, published, snippet
MATCH (n:Entity {key: $key})
WHERE n.label = $label
OPTIONAL MATCH (n)-[r]-(:Entity)
WITH n, collect(r.sources) AS lists
OPTIONAL MATCH (m:Source)-[:MENTIONS]->(n)
WITH n, lists, collect(m.id) AS mentioned
UNWIND reduce(acc = mentioned, l IN lists | acc + l) AS sid
WITH DISTINCT n, sid
MATCH (s:Source {id: sid})
OPTIONAL MATCH (s)-[mm:MENTIONS]->(n)
RETURN s.id AS id, s.kind AS kind, s.title AS title, s.url AS url,
       s.published AS published, mm.snippet AS snippet
ORDER BY coalesce(published, '') DESC, id
