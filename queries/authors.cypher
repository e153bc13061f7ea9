// Authors of a paper (AUTHORED_BY, from arXiv metadata or text), or the papers of
// a person; `name` is a title, alias, arXiv id or author name.
// params: name
// returns: paper, arxiv_id, published, author
MATCH (:Alias {norm: $name_key})-[:ALIAS_OF]->(x:Entity)
MATCH (p:Paper)-[:AUTHORED_BY]->(a:Person)
WHERE p = x OR a = x
RETURN DISTINCT p.name AS paper, p.arxiv_id AS arxiv_id, p.published AS published, a.name AS author
ORDER BY paper, author
