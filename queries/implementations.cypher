// Libraries that implement an architecture or paper, including libraries that
// implement the paper that introduced the architecture (and, for a paper, the
// architectures it introduced).
// params: name
// optional: limit=100, include_rejected=false
// returns: library
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(target:Entity)
WITH target
WHERE (target:Architecture OR target:Paper) AND ($include_rejected OR target.rejected IS NULL)
OPTIONAL MATCH (target)-[i:INTRODUCES]-(related:Entity)
WHERE ((related:Paper AND target:Architecture) OR (related:Architecture AND target:Paper))
  AND ($include_rejected OR i.rejected IS NULL) AND ($include_rejected OR related.rejected IS NULL)
WITH collect(DISTINCT target) + collect(DISTINCT related) AS targets
UNWIND targets AS t
MATCH (lib:Library)-[r:IMPLEMENTS]->(t)
WHERE ($include_rejected OR r.rejected IS NULL) AND ($include_rejected OR lib.rejected IS NULL)
RETURN DISTINCT lib.name AS library
ORDER BY library
LIMIT $limit
