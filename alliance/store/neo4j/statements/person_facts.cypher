// A possible contact `p` (at `reach`: 0 covers the park, 1 covers the city, 2 is based in
// it) with what the contact rules need (evidence.person_facts): related expertise, skills
// of the wanted categories, whether they could be a broker or a professional, and the
// ranks they sort by.
    WITH p, reach,
         COLLECT { MATCH (p)-[:EXPERT_IN]->(i) WHERE i.id IN related
                   RETURN i.id ORDER BY i.id } AS expert,
         COLLECT { MATCH (p)-[h:HAS_SKILL]->(s:Skill) WHERE s.category IN $categories
                   RETURN [s.id, h.level] ORDER BY s.id, h.level } AS skills
    WITH p, reach, expert, skills,
         'Broker' IN labels(p) AND size(expert) > 0 AS broker,
         any(l IN labels(p) WHERE l IN $professional_roles) AND size(skills) > 0
           AS professional
    WHERE broker OR professional
    WITH reach, broker, professional,
         {id: p.id, node: p, reach: reach, expert: expert, skills: skills,
          rank: coalesce($certification_ranks[toString(p.certification_level)], 0),
          best: reduce(best = 0, s IN skills | CASE WHEN s[1] > best THEN s[1] ELSE best END)
         } AS contact
