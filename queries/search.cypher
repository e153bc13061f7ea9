// Full-text search over entity names and aliases: prefix and typo tolerant; an exact
// name or alias match ranks first, then a name or alias that starts with the query,
// then the rest by full-text score; `label` keeps one entity type ('' for all).
// params: q
// optional: limit=10, label=, include_rejected=false
// returns: name, label, key, score
{{fulltext_entities $q_fulltext}}
WITH node, score
WHERE ($label = '' OR node.label = $label) AND ($include_rejected OR node.rejected IS NULL)
OPTIONAL MATCH (exact:Alias {norm: $q_key})-[:ALIAS_OF]->(node)
WITH node, score, CASE
    WHEN exact IS NOT NULL THEN 2
    WHEN node.key STARTS WITH $q_key OR toLower(node.name) STARTS WITH toLower($q)
         OR any(a IN coalesce(node.aliases, []) WHERE toLower(a) STARTS WITH toLower($q)) THEN 1
    ELSE 0 END AS tier
RETURN node.name AS name, node.label AS label, node.key AS key, score
ORDER BY tier DESC, score DESC, name
LIMIT $limit
