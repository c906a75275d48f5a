"""Per-request dataloaders. Each batch opens its own read session: an AsyncSession is not safe for
the concurrent sibling resolvers that a single GraphQL request runs."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from m24.kit.db import Database
from m24.portal.agencies import repository as agencies
from m24.portal.agencies.models import Agency
from m24.portal.companies import repository as companies
from m24.portal.funding import applications
from m24.portal.funding import repository as funding
from m24.portal.funding.models import (
    ApplicationDocument,
    ApplicationEvent,
    ApplicationRevision,
    EligibilityRuleSet,
    Milestone,
    OutcomeKpi,
    ProgramStage,
    ReviewAssignment,
    RouteStep,
)
from m24.portal.people import repository as people
from m24.portal.specialists import directory
from m24.portal.specialists.models import Offering, SpecialistReference

V = TypeVar("V")
Fetch = Callable[[AsyncSession, Sequence[uuid.UUID]], Awaitable[dict[uuid.UUID, V]]]


def _mapping_loader(db: Database, fetch: Fetch[V]) -> DataLoader[uuid.UUID, V | None]:
    async def load(keys: list[uuid.UUID]) -> list[V | None]:
        async with db.read() as session:
            found = await fetch(session, keys)
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def _list_loader(db: Database, fetch: Fetch[list[V]]) -> DataLoader[uuid.UUID, list[V]]:
    async def load(keys: list[uuid.UUID]) -> list[list[V]]:
        async with db.read() as session:
            found = await fetch(session, keys)
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


class Loaders:
    """All loaders of one request; created fresh per request so nothing is cached across users."""

    def __init__(self, db: Database) -> None:
        self.agency: DataLoader[uuid.UUID, Agency | None] = _mapping_loader(db, agencies.agencies_by_ids)
        self.agency_regions: DataLoader[uuid.UUID, list[str]] = _list_loader(db, agencies.regions_by_agency)
        self.agency_industries: DataLoader[uuid.UUID, list[str]] = _list_loader(db, agencies.industries_by_agency)
        self.program_regions: DataLoader[uuid.UUID, list[str]] = _list_loader(db, funding.regions_by_program)
        self.program_industries: DataLoader[uuid.UUID, list[str]] = _list_loader(db, funding.industries_by_program)
        self.program_stages: DataLoader[uuid.UUID, list[ProgramStage]] = _list_loader(db, funding.stages_by_program)
        self.program_agencies: DataLoader[uuid.UUID, list[tuple[uuid.UUID, str]]] = _list_loader(
            db, funding.agency_roles_by_program
        )
        self.program_rules: DataLoader[uuid.UUID, EligibilityRuleSet | None] = _mapping_loader(
            db, funding.current_rule_sets
        )
        self.company_offerings: DataLoader[uuid.UUID, list[Offering]] = _list_loader(db, companies.offerings_by_company)
        self.specialist_references: DataLoader[uuid.UUID, list[SpecialistReference]] = _list_loader(
            db, directory.references_of
        )
        self.company_name: DataLoader[uuid.UUID, str | None] = _mapping_loader(db, companies.names_by_ids)
        self.person_name: DataLoader[uuid.UUID, str | None] = _mapping_loader(db, people.names_by_ids)
        self.application_events: DataLoader[uuid.UUID, list[ApplicationEvent]] = _list_loader(
            db, applications.events_by_application
        )
        self.application_revisions: DataLoader[uuid.UUID, list[ApplicationRevision]] = _list_loader(
            db, applications.revisions_by_application
        )
        self.application_documents: DataLoader[uuid.UUID, list[ApplicationDocument]] = _list_loader(
            db, applications.documents_by_application
        )
        self.application_steps: DataLoader[uuid.UUID, list[RouteStep]] = _list_loader(
            db, applications.steps_by_application
        )
        self.application_assignments: DataLoader[uuid.UUID, list[ReviewAssignment]] = _list_loader(
            db, applications.assignments_by_application
        )
        self.application_milestones: DataLoader[uuid.UUID, list[Milestone]] = _list_loader(
            db, applications.milestones_by_application
        )
        self.application_kpis: DataLoader[uuid.UUID, list[OutcomeKpi]] = _list_loader(
            db, applications.kpis_by_application
        )
        self.program_title: DataLoader[uuid.UUID, str | None] = _mapping_loader(db, funding.titles_by_ids)
