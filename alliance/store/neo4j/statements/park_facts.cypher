// Every park with the smallest id among its IN_CITY targets and the industries it
// HOSTS: what the elimination view's hard constraints test (GraphStore.park_facts).
MATCH (p:Park)
OPTIONAL MATCH (p)-[:IN_CITY]->(c)
WITH p, min(c.id) AS city
OPTIONAL MATCH (p)-[:HOSTS]->(i)
RETURN p AS park, city, collect(DISTINCT i.id) AS hosts
ORDER BY p.id
