"""Manufacturing datasets: who may see and download what, access requests routed to the data-owning
agency, signed single-use download links with a download log, statistics for the owner, and
contributions reviewed and published by the owning agency.

Access tiers: ``open`` — anyone; ``login`` — any signed-in person; ``approval`` — a signed-in person
with an approved, unexpired access request; ``restricted`` — the same, but requests are made for a
company (the requester must belong to it) and approvals last 30 days instead of 180.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.ext.asyncio import AsyncSession

from m24.auth.principal import Principal
from m24.kit.db import utcnow
from m24.kit.errors import AppError, Conflict, ErrorCode, Forbidden, NotFound, Unauthenticated, ValidationFailed
from m24.kit.jobs import enqueue_job
from m24.portal.agencies.models import Agency, AgencyKind
from m24.portal.audit.service import RequestMeta, record
from m24.portal.companies.models import Company
from m24.portal.datasets.files import InspectedFile
from m24.portal.datasets.metadata import DatasetMetadata
from m24.portal.datasets.models import (
    AccessRequest,
    AccessRequestStatus,
    AccessTier,
    DataKind,
    Dataset,
    DatasetDownload,
    DatasetStatus,
    Distribution,
    DownloadGrant,
)
from m24.portal.funding.routing import queue_for
from m24.portal.indexing.service import IndexedKind, mark_changed
from m24.portal.notifications.service import notify
from m24.portal.people.models import AgencyMembership, MembershipStatus

ROUTE_JOB = "m24.datasets.route_access_request"
APPROVAL_DAYS = {AccessTier.APPROVAL: 180, AccessTier.RESTRICTED: 30}
_SALT = "m24-dataset-download"
MAX_FILES = 5

TIER_LABELS = {
    AccessTier.OPEN: "공개",
    AccessTier.LOGIN: "로그인 후 이용",
    AccessTier.APPROVAL: "승인 후 이용",
    AccessTier.RESTRICTED: "제한 (기업 단위 승인)",
}
REQUEST_LABELS = {
    AccessRequestStatus.PENDING: "검토 중",
    AccessRequestStatus.APPROVED: "승인",
    AccessRequestStatus.REJECTED: "반려",
    AccessRequestStatus.WITHDRAWN: "철회",
    AccessRequestStatus.EXPIRED: "기간 만료",
}


# --- who may see and manage ---------------------------------------------------------------------------


def is_owner_staff(principal: Principal, dataset: Dataset) -> bool:
    """Staff of the publishing (data-owning) agency, and platform admins."""
    return principal.is_platform_admin or bool(principal.agency_roles(dataset.publisher_agency_id))


def can_decide(principal: Principal, dataset: Dataset) -> bool:
    """Any staff member of the owning agency decides on its data (access and publication); the
    decision is recorded with their name in the audit log."""
    return is_owner_staff(principal, dataset)


def is_contributor(principal: Principal, dataset: Dataset) -> bool:
    return (
        dataset.contributor_company_id is not None
        and principal.company_role(dataset.contributor_company_id) is not None
    )


def can_view(principal: Principal, dataset: Dataset) -> bool:
    if dataset.deleted_at is not None:
        return False
    if dataset.status is DatasetStatus.PUBLISHED:
        return True
    return is_owner_staff(principal, dataset) or is_contributor(principal, dataset)


def visible_condition(principal: Principal) -> sa.ColumnElement[bool]:
    """Published datasets, and the unpublished ones of the caller's agencies or companies."""
    clauses: list[sa.ColumnElement[bool]] = [Dataset.status == DatasetStatus.PUBLISHED]
    if principal.is_platform_admin:
        clauses.append(sa.true())
    agencies = [m.agency_id for m in principal.agencies]
    companies = [m.company_id for m in principal.companies]
    if agencies:
        clauses.append(Dataset.publisher_agency_id.in_(agencies))
    if companies:
        clauses.append(Dataset.contributor_company_id.in_(companies))
    return sa.and_(Dataset.deleted_at.is_(None), sa.or_(*clauses))


async def load_dataset(session: AsyncSession, principal: Principal, dataset_id: uuid.UUID) -> Dataset:
    dataset = await session.get(Dataset, dataset_id)
    if dataset is None or not can_view(principal, dataset):
        raise NotFound("데이터셋을 찾을 수 없습니다.", field="datasetId")
    return dataset


async def count_view(session: AsyncSession, dataset_id: uuid.UUID) -> None:
    await session.execute(sa.update(Dataset).where(Dataset.id == dataset_id).values(view_count=Dataset.view_count + 1))


# --- access requests -----------------------------------------------------------------------------------


async def current_grant(
    session: AsyncSession, principal: Principal, dataset: Dataset, now: datetime
) -> AccessRequest | None:
    if principal.person_id is None:
        return None
    return (
        await session.scalars(
            sa.select(AccessRequest)
            .where(
                AccessRequest.dataset_id == dataset.id,
                AccessRequest.requester_person_id == principal.person_id,
                AccessRequest.status == AccessRequestStatus.APPROVED,
                sa.or_(AccessRequest.expires_at.is_(None), AccessRequest.expires_at > now),
            )
            .order_by(AccessRequest.decided_at.desc())
            .limit(1)
        )
    ).first()


async def request_access(
    session: AsyncSession,
    principal: Principal,
    dataset_id: uuid.UUID,
    purpose: str,
    company_id: uuid.UUID | None,
    meta: RequestMeta,
) -> AccessRequest:
    if principal.person_id is None:
        raise Unauthenticated()
    dataset = await load_dataset(session, principal, dataset_id)
    if dataset.status is not DatasetStatus.PUBLISHED:
        raise AppError(ErrorCode.TRANSITION_NOT_ALLOWED, "공개된 데이터셋에만 이용 신청을 합니다.", field="datasetId")
    if dataset.access_tier in (AccessTier.OPEN, AccessTier.LOGIN):
        raise AppError(
            ErrorCode.ACCESS_NOT_REQUIRED, "이 데이터셋은 신청 없이 내려받을 수 있습니다.", field="datasetId"
        )
    purpose = purpose.strip()
    if not 10 <= len(purpose) <= 2000:
        raise ValidationFailed(
            ErrorCode.INVALID_INPUT, "purpose: 이용 목적을 10~2,000자로 적어 주세요.", field="purpose"
        )
    if company_id is not None and principal.company_role(company_id) is None:
        raise NotFound("기업을 찾을 수 없습니다.", field="companyId")
    if dataset.access_tier is AccessTier.RESTRICTED and company_id is None:
        raise ValidationFailed(
            ErrorCode.INVALID_INPUT, "companyId: 제한 데이터는 소속 기업 단위로 신청합니다.", field="companyId"
        )
    open_request = await session.scalar(
        sa.select(AccessRequest.id).where(
            AccessRequest.dataset_id == dataset.id,
            AccessRequest.requester_person_id == principal.person_id,
            AccessRequest.status == AccessRequestStatus.PENDING,
        )
    )
    if open_request is not None:
        raise Conflict(ErrorCode.ALREADY_REQUESTED, "이미 검토 중인 신청이 있습니다.", field="datasetId")
    request = AccessRequest(
        dataset_id=dataset.id, requester_person_id=principal.person_id, company_id=company_id, purpose=purpose
    )
    session.add(request)
    await session.flush()
    agency = await session.get(Agency, dataset.publisher_agency_id)
    assert agency is not None
    # The owning agency's queue: its own worker (central, private or its 시·도) routes the request.
    enqueue_job(session, ROUTE_JOB, queue=queue_for(agency.tier, agency.region), request_id=request.id)
    record(
        session,
        principal,
        "dataset.access_requested",
        "dataset_access_request",
        request.id,
        meta,
        company_id=company_id,
        details={"dataset": str(dataset.id)},
    )
    return request


async def route_request(session: AsyncSession, request_id: uuid.UUID) -> str:
    """The workflow step (a task on the owning agency's queue): deliver the request to the agency's
    approvers. Idempotent: a routed request is skipped."""
    request = (
        await session.scalars(sa.select(AccessRequest).where(AccessRequest.id == request_id).with_for_update())
    ).first()
    if request is None:
        return "missing"
    if request.routed_at is not None or request.status is not AccessRequestStatus.PENDING:
        return "skipped"
    dataset = await session.get(Dataset, request.dataset_id)
    assert dataset is not None
    approvers = list(
        await session.scalars(
            sa.select(AgencyMembership.person_id).where(
                AgencyMembership.agency_id == dataset.publisher_agency_id,
                AgencyMembership.status == MembershipStatus.ACTIVE,
            )
        )
    )
    request.routed_at = utcnow()
    await notify(
        session, approvers, "dataset.access_requested", {"dataset": dataset.title}, f"dataset-request:{request.id}"
    )
    return "routed"


async def decide_access(
    session: AsyncSession,
    principal: Principal,
    request_id: uuid.UUID,
    *,
    approve: bool,
    reason: str | None,
    meta: RequestMeta,
    now: datetime | None = None,
) -> AccessRequest:
    now = now or utcnow()
    request = (
        await session.scalars(sa.select(AccessRequest).where(AccessRequest.id == request_id).with_for_update())
    ).first()
    dataset = await session.get(Dataset, request.dataset_id) if request is not None else None
    if request is None or dataset is None or not is_owner_staff(principal, dataset):
        raise NotFound("이용 신청을 찾을 수 없습니다.", field="id")
    if not can_decide(principal, dataset):
        raise Forbidden()
    if request.status is not AccessRequestStatus.PENDING:
        raise AppError(ErrorCode.TRANSITION_NOT_ALLOWED, "이미 결정된 신청입니다.", field="id")
    text = (reason or "").strip()
    if not approve and not text:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "reason: 반려 사유를 적어 주세요.", field="reason")
    if len(text) > 2000:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "reason: 2,000자 이하로 적어 주세요.", field="reason")
    request.status = AccessRequestStatus.APPROVED if approve else AccessRequestStatus.REJECTED
    request.decided_at = now
    request.decided_by_person_id = principal.person_id
    request.decision_reason = text or None
    if approve:
        request.expires_at = now + timedelta(days=APPROVAL_DAYS.get(dataset.access_tier, 180))
    await session.flush()
    await notify(
        session,
        [request.requester_person_id],
        "dataset.access_decided",
        {"dataset": dataset.title, "result": "승인" if approve else "반려", "reason": text},
        f"dataset-decided:{request.id}",
    )
    record(
        session,
        principal,
        f"dataset.access_{'approved' if approve else 'rejected'}",
        "dataset_access_request",
        request.id,
        meta,
        details={"dataset": str(dataset.id)},
    )
    return request


# --- signed download links -------------------------------------------------------------------------------


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=_SALT)


async def download_link(
    session: AsyncSession,
    principal: Principal,
    distribution_id: uuid.UUID,
    *,
    secret: str,
    minutes: int,
    meta: RequestMeta,
    now: datetime | None = None,
) -> tuple[str, datetime]:
    """A signed token for one download of one distribution, valid for ``minutes``; the tier decides
    who may have one. Returns (token, expiry)."""
    now = now or utcnow()
    distribution = await session.get(Distribution, distribution_id)
    dataset = await session.get(Dataset, distribution.dataset_id) if distribution is not None else None
    if distribution is None or dataset is None or not can_view(principal, dataset):
        raise NotFound("배포 파일을 찾을 수 없습니다.", field="distributionId")
    grant_request: AccessRequest | None = None
    if not is_owner_staff(principal, dataset):
        if dataset.status is not DatasetStatus.PUBLISHED and not is_contributor(principal, dataset):
            raise NotFound("배포 파일을 찾을 수 없습니다.", field="distributionId")
        if dataset.access_tier is not AccessTier.OPEN and principal.person_id is None:
            raise Unauthenticated()
        if dataset.access_tier in (AccessTier.APPROVAL, AccessTier.RESTRICTED) and not is_contributor(
            principal, dataset
        ):
            grant_request = await current_grant(session, principal, dataset, now)
            if grant_request is None:
                raise AppError(
                    ErrorCode.ACCESS_DENIED, "이용 승인을 받은 뒤에 내려받을 수 있습니다.", field="distributionId"
                )
    if distribution.storage_key is None:
        raise AppError(ErrorCode.NOT_FOUND, "이 배포본은 파일이 등록되어 있지 않습니다.", field="distributionId")
    expires = now + timedelta(minutes=minutes)
    grant = DownloadGrant(
        distribution_id=distribution.id,
        person_id=principal.person_id,
        access_request_id=grant_request.id if grant_request else None,
        expires_at=expires,
    )
    session.add(grant)
    await session.flush()
    record(
        session,
        principal,
        "dataset.download_link",
        "dataset",
        dataset.id,
        meta,
        details={"distribution": str(distribution.id)},
    )
    return _serializer(secret).dumps({"g": str(grant.id)}), expires


@dataclass(frozen=True)
class Download:
    storage_key: str
    media_type: str
    filename: str


async def redeem(
    session: AsyncSession,
    token: str,
    *,
    secret: str,
    max_age_seconds: int,
    client_ip: str | None,
    now: datetime | None = None,
) -> Download:
    """Check a download token's signature and age, use it up (once), and log the download."""
    now = now or utcnow()
    try:
        payload = _serializer(secret).loads(token[:500], max_age=max_age_seconds)
        grant_id = uuid.UUID(str(payload["g"]))
    except SignatureExpired:
        raise AppError(ErrorCode.DOWNLOAD_LINK_EXPIRED, "내려받기 링크의 유효 시간이 지났습니다.") from None
    except (BadSignature, KeyError, TypeError, ValueError):
        raise AppError(ErrorCode.DOWNLOAD_LINK_INVALID, "올바르지 않은 내려받기 링크입니다.") from None
    used = await session.execute(
        sa.update(DownloadGrant)
        .where(DownloadGrant.id == grant_id, DownloadGrant.used_at.is_(None), DownloadGrant.expires_at > now)
        .values(used_at=now)
        .returning(DownloadGrant.distribution_id, DownloadGrant.person_id)
    )
    row = used.first()
    if row is None:
        grant = await session.get(DownloadGrant, grant_id)
        if grant is None:
            raise AppError(ErrorCode.DOWNLOAD_LINK_INVALID, "올바르지 않은 내려받기 링크입니다.")
        if grant.used_at is not None:
            raise AppError(ErrorCode.DOWNLOAD_LINK_USED, "이미 사용한 내려받기 링크입니다. 새 링크를 받으세요.")
        raise AppError(ErrorCode.DOWNLOAD_LINK_EXPIRED, "내려받기 링크의 유효 시간이 지났습니다.")
    distribution_id, person_id = row
    distribution = await session.get(Distribution, distribution_id)
    assert distribution is not None and distribution.storage_key is not None
    session.add(
        DatasetDownload(
            dataset_id=distribution.dataset_id,
            distribution_id=distribution.id,
            grant_id=grant_id,
            person_id=person_id,
            client_ip=client_ip,
        )
    )
    await session.flush()
    return Download(
        distribution.storage_key, distribution.media_type, f"{distribution.title}.{distribution.format.lower()}"
    )


# --- statistics ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetStatistics:
    views: int
    requests: int
    approvals: int
    downloads: int


async def statistics(session: AsyncSession, dataset: Dataset) -> DatasetStatistics:
    requests, approvals = (
        await session.execute(
            sa.select(
                sa.func.count(),
                sa.func.count().filter(AccessRequest.status == AccessRequestStatus.APPROVED),
            ).where(AccessRequest.dataset_id == dataset.id)
        )
    ).one()
    downloads = await session.scalar(
        sa.select(sa.func.count()).select_from(DatasetDownload).where(DatasetDownload.dataset_id == dataset.id)
    )
    return DatasetStatistics(dataset.view_count, int(requests), int(approvals), int(downloads or 0))


# --- contribution -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingFile:
    title: str
    inspected: InspectedFile
    storage_key: str
    size: int
    sha256: str


async def owning_agency_for(session: AsyncSession, company: Company) -> Agency:
    """Contributions go to the 테크노파크 of the company's 시·도, else the central promotion agency."""
    agency = (
        await session.scalars(
            sa.select(Agency).where(Agency.kind == AgencyKind.TECHNOPARK, Agency.region == company.region).limit(1)
        )
    ).first()
    if agency is None:
        agency = (await session.scalars(sa.select(Agency).where(Agency.code == "KOSMO"))).first()
    if agency is None:
        raise AppError(ErrorCode.ROUTING_FAILED, "데이터를 검토할 기관을 찾지 못했습니다.")
    return agency


async def submit_dataset(
    session: AsyncSession,
    principal: Principal,
    company_id: uuid.UUID,
    metadata: DatasetMetadata,
    files: Sequence[IncomingFile],
    meta: RequestMeta,
) -> Dataset:
    data = metadata.validated()
    if principal.person_id is None:
        raise Unauthenticated()
    if principal.company_role(company_id) is None:
        raise NotFound("기업을 찾을 수 없습니다.", field="companyId")
    if not 1 <= len(files) <= MAX_FILES:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, f"files: 파일을 1~{MAX_FILES}개 올려 주세요.", field="files")
    company = await session.get(Company, company_id)
    assert company is not None
    agency = await owning_agency_for(session, company)
    dataset = Dataset(
        slug=f"contrib-{uuid.uuid4().hex[:12]}",
        title=data.title,
        description=data.description,
        publisher_agency_id=agency.id,
        contributor_company_id=company.id,
        theme=data.theme,
        keywords=list(data.keywords),
        license=data.license,
        access_tier=AccessTier(data.access_tier),
        temporal_start=data.temporal_start,
        temporal_end=data.temporal_end,
        spatial=data.spatial,
        ksic_prefix=data.ksic_prefix,
        process=data.process,
        equipment=data.equipment,
        data_kind=DataKind(data.data_kind),
        is_labelled=data.is_labelled,
        data_standard=data.data_standard,
        status=DatasetStatus.IN_REVIEW,
        submitted_by_person_id=principal.person_id,
    )
    session.add(dataset)
    await session.flush()
    for incoming in files:
        session.add(
            Distribution(
                dataset_id=dataset.id,
                title=incoming.title[:200],
                media_type=incoming.inspected.media_type,
                format=incoming.inspected.format,
                byte_size=incoming.size,
                storage_key=incoming.storage_key,
                checksum_sha256=incoming.sha256,
            )
        )
    await session.flush()
    reviewers = await session.scalars(
        sa.select(AgencyMembership.person_id).where(
            AgencyMembership.agency_id == agency.id, AgencyMembership.status == MembershipStatus.ACTIVE
        )
    )
    await notify(
        session,
        list(reviewers),
        "dataset.submitted",
        {"dataset": dataset.title, "company": company.name},
        f"dataset-submitted:{dataset.id}",
    )
    record(session, principal, "dataset.submitted", "dataset", dataset.id, meta, company_id=company.id)
    return dataset


async def review_dataset(
    session: AsyncSession,
    principal: Principal,
    dataset_id: uuid.UUID,
    *,
    publish: bool,
    note: str | None,
    meta: RequestMeta,
    now: datetime | None = None,
) -> Dataset:
    """The owning agency publishes a submitted dataset, or sends it back with a note."""
    now = now or utcnow()
    dataset = (await session.scalars(sa.select(Dataset).where(Dataset.id == dataset_id).with_for_update())).first()
    if dataset is None or dataset.deleted_at is not None or not is_owner_staff(principal, dataset):
        raise NotFound("데이터셋을 찾을 수 없습니다.", field="datasetId")
    if not can_decide(principal, dataset):
        raise Forbidden()
    if dataset.status is not DatasetStatus.IN_REVIEW:
        raise AppError(ErrorCode.TRANSITION_NOT_ALLOWED, "검토 중인 데이터셋이 아닙니다.", field="datasetId")
    text = (note or "").strip()
    if not publish and not text:
        raise ValidationFailed(ErrorCode.INVALID_INPUT, "note: 보완할 내용을 적어 주세요.", field="note")
    dataset.status = DatasetStatus.PUBLISHED if publish else DatasetStatus.DRAFT
    dataset.review_note = text or None
    if publish:
        dataset.published_at = now
    await session.flush()
    await mark_changed(session, IndexedKind.DATASET, [dataset.id])
    if dataset.submitted_by_person_id is not None:
        await notify(
            session,
            [dataset.submitted_by_person_id],
            "dataset.reviewed",
            {"dataset": dataset.title, "result": "게시" if publish else "보완 요청", "note": text},
            f"dataset-reviewed:{dataset.id}:{now.timestamp()}",
        )
    record(session, principal, f"dataset.{'published' if publish else 'returned'}", "dataset", dataset.id, meta)
    return dataset
