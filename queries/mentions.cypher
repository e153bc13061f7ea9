// Source documents that mention an entity, newest first, with a snippet.
// params: name
// optional: include_rejected=false
// returns: source, url, published, snippet
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(x:Entity)
MATCH (s:Source)-[m:MENTIONS]->(x)
WHERE ($include_rejected OR x.rejected IS NULL)
RETURN coalesce(s.title, s.id) AS source, s.url AS url, s.published AS published,
       m.snippet AS snippet
ORDER BY coalesce(published, '') DESC, source
