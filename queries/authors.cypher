// Authors of a paper (AUTHORED_BY, from arXiv metadata or text), or the papers of
// a person; `name` is a title, alias, arXiv id or author name.
// params: name
// optional: include_rejected=false
// returns: paper, arxiv_id, published, author
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(x:Entity)
MATCH (x)-[r:AUTHORED_BY]-()
WITH x, r, startNode(r) AS p, endNode(r) AS a
WHERE p:Paper AND a:Person AND ($include_rejected OR x.rejected IS NULL) AND ($include_rejected OR p.rejected IS NULL) AND ($include_rejected OR a.rejected IS NULL) AND ($include_rejected OR r.rejected IS NULL)
RETURN DISTINCT p.name AS paper, p.arxiv_id AS arxiv_id, p.published AS published, a.name AS author
ORDER BY paper, author
