// Candidates when skills are asked for: start from the skills (an index seek each).
  CALL () {
    MATCH (s:Skill)<-[h:HAS_SKILL]-(p:Person)
    WHERE s.id IN $skills AND h.level >= $min_level
    RETURN DISTINCT p
  }
