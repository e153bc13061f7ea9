// Every relation of one entity, in either direction, with its evidence sentences,
// sources (parallel lists), support, confidence and extractor, and any curation (rejected
// relations included, marked): the entity page's lineage.
// params: label, key
// returns: relation, direction, name, label, key, support, confidence, sources, evidence, extractor, extractor_version, first_seen, last_seen, extractors, confidences, rejected, asserted, reference, curation, curated_by, curated_at, curation_reason, curation_action
MATCH (n:Entity {key: $key})
WHERE n.label = $label
MATCH (n)-[r]-(m:Entity)
RETURN type(r) AS relation,
       CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction,
       m.name AS name, m.label AS label, m.key AS key,
       r.support AS support, r.confidence AS confidence,
       r.sources AS sources, r.evidence AS evidence,
       r.extractor AS extractor, r.extractor_version AS extractor_version,
       r.first_seen AS first_seen, r.last_seen AS last_seen,
       r.extractors AS extractors, r.confidences AS confidences,
       coalesce(r.rejected, false) AS rejected, coalesce(r.asserted, false) AS asserted,
       r.reference AS reference, r.curation AS curation, r.curated_by AS curated_by,
       r.curated_at AS curated_at, r.curation_reason AS curation_reason,
       r.curation_action AS curation_action
ORDER BY relation, direction, name
