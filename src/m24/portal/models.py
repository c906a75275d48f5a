"""Imports every model so the metadata is complete (migrations and tests use this)."""

from m24.kit.db import Base
from m24.portal.agencies.models import Agency, AgencyIndustry, AgencyRegion
from m24.portal.audit.models import AuditEntry
from m24.portal.companies.models import Company
from m24.portal.datasets.models import AccessRequest, Dataset, DatasetDownload, Distribution, DownloadGrant
from m24.portal.funding.models import (
    ApplicationCohort,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationRevision,
    EligibilityRuleSet,
    FundingApplication,
    FundingProgram,
    Milestone,
    OutcomeKpi,
    ProgramAgency,
    ProgramIndustry,
    ProgramRegion,
    ProgramStage,
    ReviewAssignment,
    ReviewerConflict,
    RouteStep,
    RoutingRule,
    SupportAward,
    WorkflowFailure,
)
from m24.portal.indexing.models import SearchDocument, SearchOutbox, SearchPosting
from m24.portal.notifications.models import Notification
from m24.portal.people.models import AgencyMembership, CompanyMembership, Person, WebSession
from m24.portal.specialists.models import Offering, SpecialistRating, SpecialistReference
from m24.portal.training.models import AttendanceRecord, Course, CourseSession, Enrollment

__all__ = [
    "AccessRequest",
    "Agency",
    "AgencyIndustry",
    "AgencyMembership",
    "AgencyRegion",
    "ApplicationCohort",
    "ApplicationDocument",
    "ApplicationEvent",
    "ApplicationRevision",
    "AttendanceRecord",
    "AuditEntry",
    "Base",
    "Company",
    "CompanyMembership",
    "Course",
    "CourseSession",
    "Dataset",
    "DatasetDownload",
    "Distribution",
    "DownloadGrant",
    "EligibilityRuleSet",
    "Enrollment",
    "FundingApplication",
    "FundingProgram",
    "Milestone",
    "Notification",
    "Offering",
    "OutcomeKpi",
    "Person",
    "ProgramAgency",
    "ProgramIndustry",
    "ProgramRegion",
    "ProgramStage",
    "ReviewAssignment",
    "ReviewerConflict",
    "RouteStep",
    "RoutingRule",
    "SearchDocument",
    "SearchOutbox",
    "SearchPosting",
    "SpecialistRating",
    "SpecialistReference",
    "SupportAward",
    "WebSession",
    "WorkflowFailure",
]
