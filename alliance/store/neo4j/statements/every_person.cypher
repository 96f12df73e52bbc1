// Candidates when neither is asked for: every person.
  MATCH (p:Person)
