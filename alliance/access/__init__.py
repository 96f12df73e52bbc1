"""Who may do what: API keys and scopes, per-key quotas, and the audit log of writes.

Keys and the audit log live in one small SQLite file beside the graph store (not in the
graph: a Neo4j deployment keeps them too, and the graph holds only directory data).
"""
