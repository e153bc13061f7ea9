// Which paper introduced an architecture, dataset or library (INTRODUCES).
// params: name
// returns: paper, arxiv_id
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(x:Entity)
MATCH (p:Paper)-[:INTRODUCES]->(x)
RETURN DISTINCT p.name AS paper, p.arxiv_id AS arxiv_id
ORDER BY paper
