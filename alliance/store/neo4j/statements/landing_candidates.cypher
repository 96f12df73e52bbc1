// Parks meeting every hard constraint, each with every piece of evidence: hosted related
// industries, policies valid on the date (park or city) with their targets, the best $keep
// brokers and professionals reaching it with how many there are of each, landings and
// referral stages; plus the HSR links and the SUBFIELD_OF edges the store needs to finish
// in Python (the route shown is chosen by alliance.store.rail, shared with EmbeddedStore;
// the evidence records by alliance.store.evidence).
//
// The work is in proportion to the answer: parks come from the related industries
// (HOSTS, from each industry's index seek), the rail limit is applied in the query
// through the origin's precomputed fastest minutes to every city (`_rail_cities`,
// `_rail_minutes`, rewritten by the store in the transaction of every write that
// touches a city or an HSR link), and contacts and policies are gathered only for the
// parks and cities that passed.
//
// The related industries are exactly evidence.taxonomy's: the chain of smallest-id
// parents upwards and every descendant. Parks come grouped by city, with the city's
// policies and people worked out once per city; policies and people come once each, in
// `nodes`, and everything else refers to them by id.
OPTIONAL MATCH (origin:City {id: $origin_city})
OPTIONAL MATCH (industry:Industry {id: $industry})
//#include related_industries
CALL (origin, industry, related, upward) {
  WITH * WHERE origin IS NOT NULL AND industry IS NOT NULL
  WITH related, upward, coalesce(origin._rail_cities, []) AS rail_cities,
       coalesce(origin._rail_minutes, []) AS rail_minutes
  WITH related, upward,
       [i IN range(0, size(rail_cities) - 1)
        WHERE $max_minutes IS NULL OR rail_minutes[i] <= $max_minutes | rail_cities[i]]
         AS reachable
  // The parks named (`$parks`, by id), or those hosting a related industry.
  CALL (related) {
    WITH related WHERE $parks IS NULL
    UNWIND related AS related_id
    MATCH (:Industry {id: related_id})<-[:HOSTS]-(park:Park)
    RETURN DISTINCT park
    UNION
    WITH related WHERE $parks IS NOT NULL
    UNWIND $parks AS park_id
    MATCH (park:Park {id: park_id})
    WHERE any(hosted IN coalesce(park._hosts, []) WHERE hosted IN related)
    RETURN park
  }
  WITH park, related, upward, reachable
  WHERE park.available_area_m2 >= $min_area_m2
    AND all(f IN $facility_types WHERE f IN park.facility_types)
    AND ($max_rent IS NULL OR park.rent_cny_m2_month <= $max_rent)
    AND park._city IN reachable
  // The park's city: its smallest-id IN_CITY target, precomputed (`_city`).
  MATCH (city:City {id: park._city})
  // Counted (no contact shown, the city's and the park's counts not stale): the park's
  // coverers are not read, their precomputed numbers (`_coverer_brokers`, ...) are.
  WITH park, city, related, upward,
       CASE WHEN $counted AND $industry IN coalesce(city._contact_industries, [])
            THEN [i IN range(0, size(coalesce(park._coverer_industries, [])) - 1)
                  WHERE park._coverer_industries[i] = $industry][0] END AS park_at
  CALL (park, park_at) {
    WITH park WHERE park_at IS NULL
    MATCH (p)-[:COVERS]->(park)
    RETURN collect(DISTINCT p) AS coverers
  }
  WITH park, city, related, upward, coverers,
       COLLECT { MATCH (park)-[h:HOSTS]->(i) WHERE i.id IN related
                 RETURN [i.id, coalesce(h.strength, 1.0)] } AS hosts,
       CASE WHEN park_at IS NULL THEN 0 ELSE park._coverer_brokers[park_at] END
         AS coverer_brokers,
       CASE WHEN park_at IS NULL THEN 0 ELSE park._coverer_professionals[park_at] END
         AS coverer_professionals
  // What belongs to the city is gathered once per city, not once per park.
  WITH city, related, upward,
       collect({park: park, hosts: hosts, coverers: coverers,
                covering: [p IN coverers | p.id], coverer_brokers: coverer_brokers,
                coverer_professionals: coverer_professionals}) AS parks_here
  // The city's contacts come from its precomputed counts and best people when they
  // serve (the default skill categories, the city's counts not stale): 'count' when no
  // contact is shown ($counted), 'top' when the best kept per kind leave each of its
  // shown parks the $keep it asks for once the park's own coverers are taken out ($top);
  // otherwise ('rank') every person reaching the city is ranked.
  WITH city, related, upward, parks_here,
       [i IN range(0, size(coalesce(city._contact_industries, [])) - 1)
        WHERE city._contact_industries[i] = $industry][0] AS at
  WITH city, related, upward, parks_here, at,
       CASE WHEN at IS NULL OR NOT $top OR city._contact_top_broker_ends IS NULL THEN []
            ELSE city._contact_top_brokers[
                   CASE at WHEN 0 THEN 0 ELSE city._contact_top_broker_ends[at - 1] END
                   ..city._contact_top_broker_ends[at]] END AS top_brokers,
       CASE WHEN at IS NULL OR NOT $top OR city._contact_top_broker_ends IS NULL THEN []
            ELSE city._contact_top_professionals[
                   CASE at WHEN 0 THEN 0 ELSE city._contact_top_professional_ends[at - 1] END
                   ..city._contact_top_professional_ends[at]] END AS top_professionals
  WITH city, related, upward, parks_here, at, top_brokers, top_professionals,
       CASE WHEN at IS NULL THEN 'rank'
            WHEN $counted THEN 'count'
            WHEN $top AND city._contact_top_broker_ends IS NOT NULL
                 AND all(here IN parks_here WHERE
                         (size(top_brokers) = city._contact_brokers[at]
                          OR size([x IN top_brokers
                                   WHERE NOT x IN here.covering]) >= $keep)
                         AND (size(top_professionals) = city._contact_professionals[at]
                              OR size([x IN top_professionals
                                       WHERE NOT x IN here.covering]) >= $keep))
              THEN 'top'
            ELSE 'rank' END AS source
  CALL (city, related, at, top_brokers, top_professionals, source) {
    // Counted: none of the city's people is read.
    WITH city, at WHERE source = 'count'
    RETURN [] AS city_brokers, [] AS city_professionals,
           city._contact_brokers[at] AS city_broker_count,
           city._contact_professionals[at] AS city_professional_count
    UNION ALL
    // The city's best kept people, their reach from their precomputed cities.
    WITH city, related, at, top_brokers, top_professionals WHERE source = 'top'
    CALL (city, related, top_brokers, top_professionals) {
      UNWIND top_brokers + top_professionals AS person_id
      MATCH (p:Person {id: person_id})
      WITH p, CASE WHEN city.id IN coalesce(p._covered_cities, []) THEN 1
                   WHEN city.id IN coalesce(p._base_cities, [])
                        AND any(l IN labels(p) WHERE l IN $professional_roles) THEN 2
              END AS reach
      WHERE reach IS NOT NULL
//#include person_facts

      RETURN collect(CASE WHEN broker THEN contact END) AS city_brokers,
             collect(CASE WHEN professional THEN contact END) AS city_professionals
    }
    RETURN city_brokers, city_professionals,
           city._contact_brokers[at] AS city_broker_count,
           city._contact_professionals[at] AS city_professional_count
    UNION ALL
    // Otherwise every person reaching the city is ranked.
    WITH city, related WHERE source = 'rank'
    CALL (city, related) {
      CALL (city) {
        MATCH (p:Person)-[:COVERS]->(city) RETURN p, 1 AS reach
        UNION ALL
        // Based in the city only: no broker there, so only professionals can count.
        MATCH (p:Person)-[:BASED_IN]->(city)
        WHERE any(l IN labels(p) WHERE l IN $professional_roles)
        RETURN p, 2 AS reach
      }
      WITH p, min(reach) AS reach
//#include person_facts

      RETURN collect(CASE WHEN broker THEN contact END) AS city_brokers,
             collect(CASE WHEN professional THEN contact END) AS city_professionals
    }
    RETURN city_brokers, city_professionals, null AS city_broker_count,
           null AS city_professional_count
  }
  WITH city, related, upward, parks_here, city_brokers, city_professionals,
       city_broker_count, city_professional_count,
       COLLECT {
         MATCH (policy:Policy)-[:OFFERED_IN]->(city)
         WHERE policy.valid_from <= $as_of
           AND (policy.valid_to IS NULL OR $as_of <= policy.valid_to)
         WITH policy,
              COLLECT { MATCH (policy)-[:TARGETS]->(t) RETURN t.id ORDER BY t.id } AS targets
         WHERE size(targets) = 0 OR any(t IN targets WHERE t IN upward)
         RETURN {node: policy, targets: targets,
                 unstackable: COLLECT { MATCH (policy)-[:NOT_STACKABLE_WITH]-(o)
                                        RETURN DISTINCT o.id ORDER BY o.id }}
       } AS city_policies
  UNWIND parks_here AS here
  WITH city, related, upward, city_brokers, city_professionals, city_broker_count,
       city_professional_count, city_policies, here.park AS park, here.hosts AS hosts,
       here.coverers AS coverers, here.covering AS covering,
       here.coverer_brokers AS coverer_brokers,
       here.coverer_professionals AS coverer_professionals
  CALL (coverers, related) {
    UNWIND coverers AS p
    WITH p, 0 AS reach
//#include person_facts

    RETURN collect(CASE WHEN broker THEN contact END) AS park_brokers,
           collect(CASE WHEN professional THEN contact END) AS park_professionals
  }
  // Counted: the city's numbers include those of the park's coverers who reach the
  // city too; they count once, as the park's.
  CALL (coverers, related, city, city_broker_count) {
    UNWIND CASE WHEN city_broker_count IS NULL THEN [] ELSE coverers END AS p
    // (From the person's precomputed cities: no relationship of theirs is expanded.)
    WITH p, CASE WHEN city.id IN coalesce(p._covered_cities, []) THEN 1
                 WHEN city.id IN coalesce(p._base_cities, [])
                      AND any(l IN labels(p) WHERE l IN $professional_roles) THEN 2
            END AS reach
    WHERE reach IS NOT NULL
//#include person_facts

    RETURN count(CASE WHEN broker THEN 1 END) AS shared_brokers,
           count(CASE WHEN professional THEN 1 END) AS shared_professionals
  }
  WITH city, city_policies, park, hosts, upward, related, park_brokers, park_professionals,
       city_broker_count, city_professional_count, shared_brokers, shared_professionals,
       coverer_brokers, coverer_professionals,
       [c IN city_brokers WHERE NOT c.id IN covering] AS more_brokers,
       [c IN city_professionals WHERE NOT c.id IN covering] AS more_professionals
  WITH city, city_policies, park, hosts, upward, related,
       park_brokers + more_brokers AS brokers,
       park_professionals + more_professionals AS professionals,
       size(park_brokers) + coverer_brokers
         + coalesce(city_broker_count - shared_brokers, size(more_brokers)) AS broker_total,
       size(park_professionals) + coverer_professionals
         + coalesce(city_professional_count - shared_professionals, size(more_professionals))
         AS professional_total
  // Only the contacts shown have their expertise and skills listed (from their
  // precomputed facts, in id order).
  WITH city, city_policies, park, hosts, broker_total, professional_total,
       COLLECT { UNWIND brokers AS c
                 WITH c ORDER BY c.rank DESC, c.experts DESC, c.id LIMIT $keep
                 WITH c, c.node AS n
                 RETURN c {.*, kind: 'broker',
                           expert: [x IN coalesce(n._expert_in, []) WHERE x IN related],
                           skills: [k IN range(0, size(coalesce(n._skills, [])) - 1)
                                    WHERE n._skill_categories[k] IN $categories
                                    | [n._skills[k], n._skill_levels[k]]]
                          } AS shown
                 ORDER BY shown.rank DESC, shown.experts DESC, shown.id }
         AS best_brokers,
       COLLECT { UNWIND professionals AS c
                 WITH c ORDER BY c.best DESC, c.skill_count DESC, c.id LIMIT $keep
                 WITH c, c.node AS n
                 RETURN c {.*, kind: 'professional',
                           expert: [x IN coalesce(n._expert_in, []) WHERE x IN related],
                           skills: [k IN range(0, size(coalesce(n._skills, [])) - 1)
                                    WHERE n._skill_categories[k] IN $categories
                                    | [n._skills[k], n._skill_levels[k]]]
                          } AS shown
                 ORDER BY shown.best DESC, shown.skill_count DESC, shown.id }
         AS best_professionals,
       COLLECT {
         MATCH (policy:Policy)-[:OFFERED_IN]->(park)
         WHERE policy.valid_from <= $as_of
           AND (policy.valid_to IS NULL OR $as_of <= policy.valid_to)
         WITH policy,
              COLLECT { MATCH (policy)-[:TARGETS]->(t) RETURN t.id ORDER BY t.id } AS targets
         WHERE size(targets) = 0 OR any(t IN targets WHERE t IN upward)
         RETURN {node: policy, targets: targets,
                 unstackable: COLLECT { MATCH (policy)-[:NOT_STACKABLE_WITH]-(o)
                                        RETURN DISTINCT o.id ORDER BY o.id }}
       } AS park_policies,
       COLLECT { MATCH (c)-[:LANDED_IN]->(park)
                 WITH DISTINCT c ORDER BY c.id
                 RETURN [c.id, EXISTS { MATCH (c)-[:IN_INDUSTRY]->(i)
                                        WHERE i.id IN related }] } AS landings,
       COLLECT { MATCH (r)-[:REFERRED_TO]->(park)
                 WITH toString(r.stage) AS stage, count(*) AS n
                 RETURN [stage, n] ORDER BY stage } AS referrals
  WITH city, city_policies,
       collect({park: park, hosts: hosts, policies: park_policies,
                contacts: best_brokers + best_professionals,
                broker_total: broker_total,
                professional_total: professional_total, landed: size(landings),
                related_landings: [x IN landings WHERE x[1] | x[0]],
                referrals: referrals}) AS parks_here
  RETURN collect({city: city, policies: city_policies, parks: parks_here}) AS found
}
RETURN origin IS NOT NULL AS origin_found, industry IS NOT NULL AS industry_found,
       COLLECT { MATCH (c:Industry)-[:SUBFIELD_OF]->(p) RETURN [c.id, p.id] } AS taxonomy,
       COLLECT { MATCH (a:City)-[h:HSR_LINK]->(b) RETURN [a.id, b.id, h.minutes, h.km] }
         AS links,
       [place IN found | {
          city: place.city,
          policies: [x IN place.policies | x {.targets, .unstackable, id: x.node.id}],
          parks: [pk IN place.parks | pk {
            .park, .hosts, .broker_total, .professional_total, .landed, .related_landings,
            .referrals,
            policies: [x IN pk.policies | x {.targets, .unstackable, id: x.node.id}],
            contacts: [x IN pk.contacts | x {.kind, .reach, .expert, .skills, id: x.node.id}]
          }]
       }] AS cities,
       COLLECT {
         // (A UNION here runs out of transaction memory on Neo4j 5.26; this does not.)
         UNWIND found AS place
         UNWIND place.policies
                + reduce(acc = [], pk IN place.parks | acc + pk.policies + pk.contacts) AS x
         RETURN DISTINCT x.node AS n
       } AS nodes
