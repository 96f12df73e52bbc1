// The asked `industry`'s related industries, exactly evidence.taxonomy's: `upward` is the
// industry and its chain of smallest-id parents, `related` that chain and every
// descendant (`origin` and `industry` are carried through).
CALL (industry) {
  // Upwards: the chain of smallest-id parents (as evidence.taxonomy walks it).
  OPTIONAL MATCH chain = (industry)-[:SUBFIELD_OF*1..]->()
  WHERE all(i IN range(0, length(chain) - 1)
            WHERE nodes(chain)[i + 1].id = COLLECT {
                    WITH nodes(chain)[i] AS x
                    MATCH (x)-[:SUBFIELD_OF]->(parent) RETURN parent.id ORDER BY parent.id LIMIT 1
                  }[0])
    AND all(i IN range(0, length(chain) - 1) WHERE NOT nodes(chain)[i] IN nodes(chain)[i + 1..])
  RETURN collect(last(nodes(chain)).id) AS above
}
CALL (industry) {
  // Downwards: every descendant.
  OPTIONAL MATCH (below)-[:SUBFIELD_OF*1..]->(industry) WHERE below <> industry
  RETURN collect(DISTINCT below.id) AS below
}
WITH origin, industry, [industry.id] + above AS upward, [industry.id] + above + below AS related
