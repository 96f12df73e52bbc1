// Candidates when the question names them (`$among`): an index seek per id; the skill,
// vertical and other filters that follow decide as for the other sources (from the
// person's precomputed facts).
  CALL () {
    UNWIND $among AS id
    MATCH (p:Person {id: id})
    RETURN DISTINCT p
  }
