"""Declared permissions. Every root field names one; a schema-walking test enforces it.

Role gates live here (at the edge); row scope lives in the portal's repositories and policies.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from m24.graphql.context import Context


class Public(BasePermission):
    """Anyone, including anonymous visitors; the resolver returns public data only."""

    message = "공개 정보입니다."

    def has_permission(self, source: Any, info: Info[Context, Any], **kwargs: Any) -> bool:
        return True


class Authenticated(BasePermission):
    """A logged-in person."""

    message = "로그인이 필요합니다."
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info[Context, Any], **kwargs: Any) -> bool:
        return info.context.principal.is_authenticated


#: Every object type's audience, declared once. ``public``: anyone may see every field. ``self``: the
#: caller's own data (reachable only from ``me``). ``member``: private data, reachable only from
#: authenticated root fields whose resolvers apply row scope. The schema-walking test fails on any
#: type missing here and on any private type reachable from a public root field.
TYPE_AUDIENCE: dict[str, str] = {
    # public
    "Agency": "public",
    "Region": "public",
    "Industry": "public",
    "PageInfo": "public",
    "FundingProgram": "public",
    "FundingProgramConnection": "public",
    "FundingProgramEdge": "public",
    "ProgramStage": "public",
    "ProgramAgencyRole": "public",
    "EligibilityRules": "public",
    "Company": "public",
    "CompanyConnection": "public",
    "CompanyEdge": "public",
    "Offering": "public",
    "BusinessNumberCheck": "public",
    "Specialist": "public",
    "SpecialistReference": "public",
    "SpecialistHit": "public",
    "SpecialistSearchResult": "public",
    "Highlight": "public",
    "Facet": "public",
    "FacetBucket": "public",
    "ProgramSearchHit": "public",
    "CourseSearchHit": "public",
    "DatasetSearchHit": "public",
    "Course": "public",
    "CourseConnection": "public",
    "CourseEdge": "public",
    "CourseSession": "public",
    "CertificateVerification": "public",
    "Dataset": "public",
    "DatasetConnection": "public",
    "DatasetEdge": "public",
    "Distribution": "public",
    "DatasetAccess": "public",
    "DatasetStatistics": "public",
    "DownloadLinkPayload": "public",
    # the caller's own
    "Me": "self",
    "MembershipRef": "self",
    "AgencyMembershipRef": "self",
    # members and routed agency staff only
    "PrivateCompany": "member",
    "CompanyMember": "member",
    "AgencyMember": "member",
    "Invitation": "member",
    "Applicant": "member",
    "AllowedAction": "member",
    "ApplicationEventView": "member",
    "ApplicationRevisionView": "member",
    "ApplicationDocumentView": "member",
    "RouteStepView": "member",
    "ReviewView": "member",
    "MilestoneView": "member",
    "OutcomeKpiView": "member",
    "RuleVerdict": "member",
    "EligibilityResult": "member",
    "CohortView": "member",
    "SupportAwardView": "member",
    "LedgerFlagView": "member",
    "StuckApplicationView": "member",
    "FundingApplicationPayload": "member",
    "SubmitPayload": "member",
    "BatchDecisionItem": "member",
    "BatchDecisionPayload": "member",
    "DocumentPayload": "member",
    "CohortPayload": "member",
    "RuleSetPayload": "member",
    "FundingApplicationView": "member",
    "FundingApplicationViewConnection": "member",
    "FundingApplicationViewEdge": "member",
    "MutationError": "member",
    "CompanyPayload": "member",
    "CompanyMemberPayload": "member",
    "AgencyMemberPayload": "member",
    "InvitationPayload": "member",
    "OfferingPayload": "member",
    "SpecialistReferencePayload": "member",
    "SupplierRating": "member",
    "SupplierRatingPayload": "member",
    "Enrollment": "member",
    "Certificate": "member",
    "TrainingRecord": "member",
    "EnrollmentPayload": "member",
    "EnrollmentsPayload": "member",
    "DatasetAccessRequest": "member",
    "DatasetAccessRequestPayload": "member",
    "DatasetPayload": "member",
}
