// Each candidate `p` with skills, verticals, cities, collaboration count and up to
// $max_trust_paths shortest trust paths (first by node ids) within %max_hops% hops (an
// int the store clamps: path bounds cannot be parameters).
  CALL (asker, p) {
    WITH * WHERE asker IS NOT NULL AND $trust
    MATCH path = ALL SHORTEST (asker)-[:COLLABORATED_WITH|WORKS_AT]-{1,%max_hops%}(p)
    WITH DISTINCT nodes(path) AS ns
    ORDER BY [x IN ns | x.id]
    LIMIT $max_trust_paths
    RETURN collect({
      ids: [x IN ns | x.id],
      hops: [i IN range(0, size(ns) - 2) |
              COLLECT {
                WITH ns[i] AS x, ns[i + 1] AS y
                MATCH (x)-[r:COLLABORATED_WITH|WORKS_AT]-(y)
                RETURN [type(r), startNode(r).id, endNode(r).id, properties(r)]
              }]
    }) AS trust
  }
  RETURN collect({
    person: p, skills: all_skills, verticals: verticals, base: base, covered: covered,
    collaborations: COUNT { (p)-[:COLLABORATED_WITH]-() }, trust: trust
  }) AS people
