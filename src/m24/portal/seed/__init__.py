"""Deterministic Korean demo data for 제조 AI 24 (``seed(database_url, scale=…)``)."""

from m24.portal.seed.generator import SeedReport, seed

__all__ = ["SeedReport", "seed"]
