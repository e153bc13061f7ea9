// Entity names and aliases to rank close-name suggestions against (no full-text
// index involved, so it also catches misspellings the search misses).
// optional: label=, limit=5000
// returns: name, label, key, aliases
MATCH (n:Entity)
WHERE $label = '' OR n.label = $label
RETURN n.name AS name, n.label AS label, n.key AS key, n.aliases AS aliases
ORDER BY name, label
LIMIT $limit
