// Entity names and aliases to rank close-name suggestions against (no full-text
// index involved, so it also catches misspellings the search misses). Unsorted on
// purpose: a sort would read every entity of a large graph; the caller ranks.
// optional: label=, limit=2000
// returns: name, label, key, aliases
MATCH (n:Entity)
WHERE $label = '' OR n.label = $label
RETURN n.name AS name, n.label AS label, n.key AS key, n.aliases AS aliases
LIMIT $limit
