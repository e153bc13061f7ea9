// The entities of one label for the browse pages, filtered and sorted; each with its
// date (its own `published`, else the earliest of the papers that introduced it, else
// of the sources behind its facts and mentions), the sum of its relations' support,
// its relations as TYPE:out / TYPE:in, and who developed it. Filters: `organization`
// (a name or alias it was DEVELOPED_BY), `year` (its date starts with it), `has`
// (comma-separated TYPE:out / TYPE:in, all required), `has_year` (comma-separated
// TYPE:out@YEAR / TYPE:in@YEAR, all required: such a relation to an entity introduced that
// year — its own `published` (a paper's), else the earliest paper that INTRODUCES it; a
// source's date does not count). `sort`: support, recent or name.
// Rejected entities and relations (curation) are left out unless include_rejected.
// params: label
// optional: organization=, year=, has=, has_year=, sort=support, limit=5000, include_rejected=false
// returns: name, key, date, support, relations, organizations
MATCH (n:Entity)
WHERE n.label = $label AND ($include_rejected OR n.rejected IS NULL)
OPTIONAL MATCH (n)-[dr:DEVELOPED_BY]->(dev:Entity)
WHERE ($include_rejected OR dr.rejected IS NULL) AND ($include_rejected OR dev.rejected IS NULL)
OPTIONAL MATCH (dev)<-[:ALIAS_OF]-(org:Alias)
WITH n, collect(DISTINCT dev.name) AS organizations, collect(DISTINCT org.norm) AS org_norms
WHERE $organization_key = '' OR $organization_key IN org_norms
OPTIONAL MATCH (n)-[r]-(other:Entity)
WHERE ($include_rejected OR r.rejected IS NULL) AND ($include_rejected OR other.rejected IS NULL)
WITH n, organizations,
     collect(DISTINCT type(r) + CASE WHEN startNode(r) = n THEN ':out' ELSE ':in' END) AS relations,
     sum(coalesce(r.support, 0)) AS support, collect(r.sources) AS source_lists
WHERE $has = '' OR all(h IN split($has, ',') WHERE h IN relations)
// year-qualified relations: `yn` is null unless asked for, so the rows' relations are
// not expanded a second time otherwise
WITH n, organizations, relations, support, source_lists,
     CASE WHEN $has_year = '' THEN null ELSE n END AS yn
OPTIONAL MATCH (yn)-[yr]-(o:Entity)
WHERE any(h IN split($has_year, ',')
          WHERE h STARTS WITH (type(yr) + CASE WHEN startNode(yr) = yn THEN ':out@' ELSE ':in@' END))
  AND ($include_rejected OR yr.rejected IS NULL) AND ($include_rejected OR o.rejected IS NULL)
OPTIONAL MATCH (op:Paper)-[opr:INTRODUCES]->(o)
WHERE ($include_rejected OR opr.rejected IS NULL) AND ($include_rejected OR op.rejected IS NULL)
WITH n, organizations, relations, support, source_lists, yr, o, min(op.published) AS o_introduced
WITH n, organizations, relations, support, source_lists,
     collect(DISTINCT type(yr) + CASE WHEN startNode(yr) = n THEN ':out@' ELSE ':in@' END
             + substring(coalesce(o.published, o_introduced), 0, 4)) AS dated
WHERE $has_year = '' OR all(h IN split($has_year, ',') WHERE h IN dated)
OPTIONAL MATCH (intro:Paper)-[ir:INTRODUCES]->(n)
WHERE ($include_rejected OR ir.rejected IS NULL) AND ($include_rejected OR intro.rejected IS NULL)
WITH n, organizations, relations, support, source_lists, min(intro.published) AS introduced
OPTIONAL MATCH (m:Source)-[:MENTIONS]->(n)
WITH n, organizations, relations, support, introduced, source_lists, collect(m.id) AS mentioned
WITH n, organizations, relations, support, introduced,
     reduce(acc = mentioned, l IN source_lists | acc + l) AS sids
UNWIND CASE WHEN size(sids) = 0 THEN [null] ELSE sids END AS sid
OPTIONAL MATCH (s:Source {id: sid})
WITH n, organizations, relations, support, introduced, min(s.published) AS earliest
WITH n, organizations, relations, support, coalesce(n.published, introduced, earliest) AS date
WHERE $year = '' OR date STARTS WITH $year
RETURN n.name AS name, n.key AS key, date, support, relations, organizations
ORDER BY CASE WHEN $sort = 'support' THEN support ELSE 0 END DESC,
         CASE WHEN $sort = 'recent' THEN coalesce(date, '') ELSE '' END DESC, name
LIMIT $limit
