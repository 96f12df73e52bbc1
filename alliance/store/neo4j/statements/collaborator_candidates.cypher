// People meeting the hard constraints (and in $among unless it is null). The candidates
// line is one of people_among, people_with_skills, people_in_verticals, every_person; the
// people line is collaborator_evidence (their skills, verticals, cities, collaboration
// count and trust paths) or collaborator_ids (their ids only).
OPTIONAL MATCH (asker:Person {id: $asker})
WITH asker,
     [s IN $skills WHERE NOT EXISTS { MATCH (x:Skill {id: s}) }] AS missing_skills,
     [v IN $verticals WHERE NOT EXISTS { MATCH (x:Industry {id: v}) }] AS missing_verticals,
     [c IN $cities WHERE NOT EXISTS { MATCH (x:City {id: c}) }] AS missing_cities
CALL (asker, missing_skills, missing_verticals, missing_cities) {
  WITH * WHERE ($asker IS NULL OR asker IS NOT NULL) AND size(missing_skills) = 0
               AND size(missing_verticals) = 0 AND size(missing_cities) = 0
  WITH asker, COLLECT { MATCH (x:Industry)-[:SUBFIELD_OF*0..]->(v:Industry)
                        WHERE v.id IN $verticals RETURN DISTINCT x.id } AS wanted_verticals
  //#include candidates
  WITH asker, wanted_verticals, p
  WHERE NOT p.id IN $excluded AND ($among IS NULL OR p.id IN $among)
    AND (size($roles) = 0 OR any(l IN labels(p) WHERE l IN $roles))
    AND ($min_rank IS NULL OR $ranks[toString(p.certification_level)] >= $min_rank)
  // Skills, expertise and base cities from the person's precomputed facts (in the order
  // the expansions gave: skills by id then level, industries and cities by id).
  WITH asker, wanted_verticals, p,
       [k IN range(0, size(coalesce(p._skills, [])) - 1) | [p._skills[k], p._skill_levels[k]]]
         AS all_skills,
       coalesce(p._expert_in, []) AS verticals
  WITH asker, p, all_skills, verticals,
       [x IN all_skills WHERE x[0] IN $skills AND x[1] >= $min_level] AS matched
  WHERE (size($skills) = 0
         OR (size(matched) > 0 AND (NOT $require_all OR size(matched) = size($skills))))
    AND (size(wanted_verticals) = 0 OR any(v IN verticals WHERE v IN wanted_verticals))
  WITH asker, p, all_skills, verticals, coalesce(p._base_cities, []) AS base
  // The cities covered (directly or through a park) are read only where they are needed:
  // for the evidence, or for a city filter the base cities do not already pass (the
  // park's IN_CITY expansions were nearly all of an ids-only question's work).
  CALL (p, base) {
    WITH p WHERE $with_covered OR (size($cities) > 0 AND none(c IN base WHERE c IN $cities))
    RETURN COLLECT { MATCH (p)-[:COVERS]->(c:City) RETURN c.id AS id
                     UNION
                     MATCH (p)-[:COVERS]->(x)-[:IN_CITY]->(c) WHERE NOT x:City
                     RETURN c.id AS id } AS covered
    UNION ALL
    WITH p WHERE NOT ($with_covered OR (size($cities) > 0
                                        AND none(c IN base WHERE c IN $cities)))
    RETURN [] AS covered
  }
  WITH asker, p, all_skills, verticals, base, covered
  WHERE size($cities) = 0 OR any(c IN base + covered WHERE c IN $cities)
//#include people
}
RETURN asker IS NOT NULL AS asker_found, missing_skills, missing_verticals, missing_cities,
       people
