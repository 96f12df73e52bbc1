// A possible contact `p` (at `reach`: 0 covers the park, 1 covers the city, 2 is based in
// it) with what ranking needs (evidence.person_facts): whether they are a broker here (the
// Broker role, covering the place, expert in a related industry: `related_nodes`) or else a
// professional (a professional role and skills of the wanted categories: `skill_nodes`),
// and the ranks they sort by. Only what the role labels allow is looked at, and only the
// count of related expertise for brokers, the best level and count of wanted skills for
// professionals: the lists themselves are read for the contacts shown (contact_lists).
    WITH p, reach, labels(p) AS roles
    WITH p, reach, 'Broker' IN roles AND reach < 2 AS may_broker,
         any(l IN roles WHERE l IN $professional_roles) AS may_professional
    WHERE may_broker OR may_professional
    CALL (p, may_broker, related_nodes) {
      WITH * WHERE may_broker
      MATCH (p)-[:EXPERT_IN]->(i) WHERE i IN related_nodes
      RETURN count(*) AS experts
    }
    WITH p, reach, may_professional, may_broker AND experts > 0 AS broker, experts
    CALL (p, broker, may_professional, skill_nodes) {
      WITH * WHERE may_professional AND NOT broker
      MATCH (p)-[h:HAS_SKILL]->(s) WHERE s IN skill_nodes
      RETURN count(*) AS skill_count, coalesce(max(h.level), 0) AS best
    }
    WITH p, reach, broker, NOT broker AND skill_count > 0 AS professional, experts,
         skill_count, best
    WHERE broker OR professional
    WITH reach, broker, professional,
         {id: p.id, node: p, reach: reach, experts: experts, skill_count: skill_count,
          best: best,
          rank: coalesce($certification_ranks[toString(p.certification_level)], 0)} AS contact
