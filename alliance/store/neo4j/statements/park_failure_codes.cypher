// How many parks fail each combination of the hard constraints (the elimination view's
// counts, `EliminationCounter.failure_codes`): one row per failure code with its number of
// parks, so the view costs one round trip of a few rows, not every park's record. A
// code's bits are `$bits` (one per hard constraint, store.base.HARD_CONSTRAINTS); each
// test is the one services.elimination.Checker.code makes, over the same facts:
// the related industries (evidence.taxonomy's), each park's precomputed smallest-id
// IN_CITY target and hosted industries (`_city`, `_hosts`, kept by the store's writes)
// and the origin's precomputed fastest minutes (`_rail_cities`, `_rail_minutes`).
OPTIONAL MATCH (origin:City {id: $origin_city})
OPTIONAL MATCH (industry:Industry {id: $industry})
//#include related_industries
WITH related, coalesce(origin._rail_cities, []) AS rail_cities,
     coalesce(origin._rail_minutes, []) AS rail_minutes
WITH related,
     [i IN range(0, size(rail_cities) - 1)
      WHERE $max_minutes IS NULL OR rail_minutes[i] <= $max_minutes | rail_cities[i]]
       AS reachable
MATCH (park:Park)
WITH CASE WHEN any(hosted IN coalesce(park._hosts, []) WHERE hosted IN related)
          THEN 0 ELSE $bits.industry END
     + CASE WHEN park.available_area_m2 < $min_area_m2 THEN $bits.area_m2 ELSE 0 END
     + CASE WHEN all(f IN $facility_types WHERE f IN park.facility_types)
            THEN 0 ELSE $bits.facility_types END
     + CASE WHEN $max_rent IS NOT NULL AND park.rent_cny_m2_month > $max_rent
            THEN $bits.max_rent_cny_m2_month ELSE 0 END
     + CASE WHEN park._city IN reachable THEN 0 ELSE $bits.max_rail_minutes END AS code
RETURN code, count(*) AS parks
