"""Search: a rebuildable projection of the database (Elasticsearch, or the database backend embedded).

The search issue builds the backends here; until then text filters are plain repository queries.
"""
