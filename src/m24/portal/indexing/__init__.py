"""Keeping the search projection current: the outbox that says which rows changed, and the tables
the database search backend stores its index in. What goes into a search document is decided in
:mod:`m24.search`; the domain only says *that* something changed."""
