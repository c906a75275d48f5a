"""What every search front end (GraphQL, web pages) shows the same way: facet labels in Korean, and
hits hydrated from the database through the public visibility rules."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from m24.kit.db import Database
from m24.portal.companies import repository as companies_repo
from m24.portal.companies.models import Company
from m24.portal.reference.ksic import industry_name
from m24.portal.reference.regions import region_name
from m24.portal.specialists.models import OFFERING_KIND_LABELS, PRICE_MODEL_LABELS, Offering
from m24.search.service import HighlightedHit

FACET_LABELS = {
    "industry": "업종",
    "region": "지역",
    "kind": "솔루션 유형",
    "designated": "전문기업 지정",
    "price_model": "가격 방식",
}
_KIND_LABELS = {kind.value: label for kind, label in OFFERING_KIND_LABELS.items()}
_PRICE_LABELS = {model.value: label for model, label in PRICE_MODEL_LABELS.items()}


def bucket_label(facet: str, value: str) -> str:
    if facet == "industry":
        return "전 업종" if value == "*" else industry_name(value)
    if facet == "region":
        return "전국" if value == "*" else (region_name(value) or value)
    if facet == "kind":
        return _KIND_LABELS.get(value, value)
    if facet == "price_model":
        return _PRICE_LABELS.get(value, value)
    if facet == "designated":
        return "지정 전문기업" if value == "true" else "미지정"
    return value


@dataclass
class SpecialistMatch:
    found: HighlightedHit
    company: Company
    offering: Offering


async def hydrate_specialists(db: Database, found: Sequence[HighlightedHit]) -> list[SpecialistMatch]:
    """The hits whose firm is still listed and whose offering is still published, in hit order: an
    index entry the relay has not yet caught up with is dropped, never shown."""
    if not found:
        return []
    async with db.read() as session:
        visible = await companies_repo.public_offerings_with_companies(
            session, [uuid.UUID(f.hit.doc_id) for f in found]
        )
    matches = []
    for f in found:
        pair = visible.get(uuid.UUID(f.hit.doc_id))
        if pair is None or str(pair[1].id) != f.hit.group:
            continue
        matches.append(SpecialistMatch(f, pair[1], pair[0]))
    return matches
