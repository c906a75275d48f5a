"""All SQL about companies. Public listings expose only listed, non-deleted profiles."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from m24.kit.pagination import Page, PageRequest, after_key
from m24.portal.companies.models import Company
from m24.portal.specialists.models import Offering
from m24.portal.text_filter import contains_all_words

CURSOR_KIND = "companies"


@dataclass(frozen=True)
class CompanyFilter:
    region: str | None = None
    industry: str | None = None
    text: str | None = None
    specialists_only: bool = False


def _public() -> sa.ColumnElement[bool]:
    return sa.and_(Company.deleted_at.is_(None), Company.is_listed.is_(True))


async def list_public_companies(session: AsyncSession, flt: CompanyFilter, page: PageRequest) -> Page[Company]:
    """Listed companies by name, keyset-paginated; two statements whatever the page size."""
    conditions = [_public()]
    if flt.region is not None:
        conditions.append(Company.region == flt.region)
    if flt.industry is not None:
        conditions.append(Company.ksic_code.startswith(flt.industry))
    if flt.specialists_only:
        conditions.append(Company.is_specialist.is_(True))
    if flt.text is not None:
        conditions.append(contains_all_words(flt.text, Company.name, sa.func.coalesce(Company.description, "")))
    total = (await session.execute(sa.select(sa.func.count()).select_from(Company).where(*conditions))).scalar_one()
    stmt = sa.select(Company).where(*conditions)
    if page.after is not None:
        stmt = stmt.where(after_key(Company.name, Company.id, page.after))
    rows = (await session.scalars(stmt.order_by(Company.name, Company.id).limit(page.first + 1))).all()
    return Page(items=rows[: page.first], total=total, has_next=len(rows) > page.first)


def cursor_key(company: Company) -> tuple[str, str]:
    return (company.name, str(company.id))


async def public_companies_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Company]:
    rows = await session.scalars(sa.select(Company).where(Company.id.in_(set(ids)), _public()))
    return {row.id: row for row in rows}


async def public_offerings_with_companies(
    session: AsyncSession, offering_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[Offering, Company]]:
    """Published offerings of listed specialist firms, by offering id: one statement."""
    rows = await session.execute(
        sa.select(Offering, Company)
        .join(Company, Company.id == Offering.company_id)
        .where(
            Offering.id.in_(set(offering_ids)),
            Offering.deleted_at.is_(None),
            Offering.is_published.is_(True),
            Company.is_specialist.is_(True),
            _public(),
        )
    )
    return {offering.id: (offering, company) for offering, company in rows.all()}


async def get_public_company(session: AsyncSession, company_id: uuid.UUID) -> Company | None:
    return (await session.scalars(sa.select(Company).where(Company.id == company_id, _public()))).first()


async def offerings_by_company(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Offering]]:
    result: dict[uuid.UUID, list[Offering]] = defaultdict(list)
    rows = await session.scalars(
        sa.select(Offering)
        .where(Offering.company_id.in_(set(ids)), Offering.deleted_at.is_(None), Offering.is_published.is_(True))
        .order_by(Offering.title, Offering.id)
    )
    for offering in rows:
        result[offering.company_id].append(offering)
    return result


async def names_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Company names for parties to an application (seen by the parties and routed staff only)."""
    rows = await session.execute(sa.select(Company.id, Company.name).where(Company.id.in_(set(ids))))
    return {cid: name for cid, name in rows.all()}
