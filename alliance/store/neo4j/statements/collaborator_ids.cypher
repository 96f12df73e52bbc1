// Each candidate's id only: what a question counts before it asks for the evidence of
// the few it scores.
  RETURN collect(p.id) AS people
