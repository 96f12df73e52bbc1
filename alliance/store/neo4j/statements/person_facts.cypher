// A possible contact `p` (at `reach`: 0 covers the park, 1 covers the city, 2 is based in
// it) with what ranking needs (evidence.person_facts): whether they are a broker here (the
// Broker role, covering the place, expert in a related industry: `related`) or else a
// professional (a professional role and skills of the wanted categories, `$categories`),
// and the ranks they sort by. Only what the role labels allow is looked at, and from the
// person's precomputed facts alone (`_expert_in`, `_skills`, `_skill_levels`,
// `_skill_categories`: their EXPERT_IN and HAS_SKILL targets by id, kept by the store's
// writes; a missing list is an empty one), so ranking a city's people expands none of
// their relationships.
    WITH p, reach, labels(p) AS roles
    WITH p, reach, 'Broker' IN roles AND reach < 2 AS may_broker,
         any(l IN roles WHERE l IN $professional_roles) AS may_professional
    WHERE may_broker OR may_professional
    WITH p, reach, may_broker, may_professional,
         CASE WHEN may_broker THEN size([x IN coalesce(p._expert_in, []) WHERE x IN related]) ELSE 0 END
           AS experts
    WITH p, reach, may_professional, may_broker AND experts > 0 AS broker, experts
    WITH p, reach, broker, experts,
         CASE WHEN may_professional AND NOT broker
              THEN [k IN range(0, size(coalesce(p._skills, [])) - 1)
                    WHERE p._skill_categories[k] IN $categories | p._skill_levels[k]]
              ELSE [] END AS levels
    WITH p, reach, broker, experts, size(levels) AS skill_count,
         reduce(best = 0, level IN levels | CASE WHEN level > best THEN level ELSE best END)
           AS best
    WITH p, reach, broker, NOT broker AND skill_count > 0 AS professional, experts,
         skill_count, best
    WHERE broker OR professional
    WITH reach, broker, professional,
         {id: p.id, node: p, reach: reach, experts: experts, skill_count: skill_count,
          best: best,
          rank: coalesce($certification_ranks[toString(p.certification_level)], 0)} AS contact
