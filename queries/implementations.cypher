// Libraries that implement an architecture or paper, including libraries that
// implement the paper that introduced the architecture (and, for a paper, the
// architectures it introduced).
// params: name
// optional: limit=100
// returns: library
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(target:Entity)
WHERE target:Architecture OR target:Paper
OPTIONAL MATCH (target)-[:INTRODUCES]-(related:Entity)
WHERE (related:Paper AND target:Architecture) OR (related:Architecture AND target:Paper)
WITH collect(DISTINCT target) + collect(DISTINCT related) AS targets
UNWIND targets AS t
MATCH (lib:Library)-[:IMPLEMENTS]->(t)
RETURN DISTINCT lib.name AS library
ORDER BY library
LIMIT $limit
