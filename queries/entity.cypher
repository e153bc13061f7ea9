// One entity's properties (name, label, key, aliases, arxiv_id, repo, first/last seen, …),
// by its label and key: the head of the entity page.
// params: label, key
// returns: props
MATCH (n:Entity {key: $key})
WHERE n.label = $label
RETURN properties(n) AS props
