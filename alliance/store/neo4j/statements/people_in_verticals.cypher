// Candidates when verticals but no skills are asked for: the verticals' experts.
  CALL (wanted_verticals) {
    MATCH (i:Industry)<-[:EXPERT_IN]-(p:Person)
    WHERE i.id IN wanted_verticals
    RETURN DISTINCT p
  }
