// Which paper introduced an architecture, dataset or library (INTRODUCES).
// params: name
// optional: include_rejected=false
// returns: paper, arxiv_id
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(x:Entity)
WITH x
MATCH (p:Paper)-[r:INTRODUCES]->(x)
WHERE ($include_rejected OR x.rejected IS NULL) AND ($include_rejected OR r.rejected IS NULL) AND ($include_rejected OR p.rejected IS NULL)
RETURN DISTINCT p.name AS paper, p.arxiv_id AS arxiv_id
ORDER BY paper
