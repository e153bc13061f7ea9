// Full-text search over entity names and aliases: prefix and typo tolerant,
// ranked; `label` keeps one entity type ('' for all).
// params: q
// optional: limit=10, label=
// returns: name, label, key, score
{{fulltext_entities $q_fulltext}}
WITH node, score
WHERE $label = '' OR node.label = $label
RETURN node.name AS name, node.label AS label, node.key AS key, score
ORDER BY score DESC, name
LIMIT $limit
