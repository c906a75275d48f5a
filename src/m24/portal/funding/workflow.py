"""The application workflow as a table: ``(status, action) → target, parties allowed, guard``.

Nothing here touches the database. The service computes which *parties* a principal is for one
application (applicant representative, assigned reviewer, approver of the active step's agency, …)
and the facts the guards need; :func:`allowed_actions` and :func:`transition` do the rest, so the
buttons a user sees and the checks a mutation makes come from the same rows.

System transitions (eligibility check, routing, review start, supplement expiry) are made by
workflow tasks, never by people; they are listed in :data:`SYSTEM_TRANSITIONS`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from m24.kit.errors import AppError, ErrorCode
from m24.portal.funding.models import ApplicationStatus, StepKind

S = ApplicationStatus

#: Days after a rejection within which the applicant may appeal (이의신청).
APPEAL_DAYS = 14


class Party(enum.StrEnum):
    """What a principal is *for one application*; roles are never global here."""

    APPLICANT_REP = "applicant_representative"
    APPLICANT_STAFF = "applicant_staff"
    SUPPLIER = "supplier"
    SPONSOR = "sponsor"
    ASSIGNED_REVIEWER = "assigned_reviewer"
    STEP_REVIEWER = "step_agency_reviewer"
    STEP_APPROVER = "step_agency_approver"
    OPERATOR_STAFF = "operator_staff"
    OPERATOR_APPROVER = "operator_approver"


class Action(enum.StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    UPLOAD_DOCUMENT = "upload_document"
    CONFIRM_SUPPLIER = "confirm_supplier"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUBMIT_SUPPLEMENT = "submit_supplement"
    REVIEW = "review"
    CO_APPROVE = "co_approve"
    APPROVE = "approve"
    REJECT = "reject"
    APPEAL = "appeal"
    ACCEPT_APPEAL = "accept_appeal"
    DISMISS_APPEAL = "dismiss_appeal"
    PROPOSE_AGREEMENT = "propose_agreement"
    SIGN_AGREEMENT = "sign_agreement"
    COMPLETE_MILESTONE = "complete_milestone"
    REQUEST_INSPECTION = "request_inspection"
    PASS_INSPECTION = "pass_inspection"
    FAIL_INSPECTION = "fail_inspection"
    REPORT_OUTCOMES = "report_outcomes"
    SETTLE = "settle"
    RECOUP = "recoup"


@dataclass(frozen=True)
class Facts:
    """What the guards need to know about one application, gathered by the service."""

    now: datetime
    call_open: bool = True
    step_kind: StepKind | None = None
    supplier_named: bool = False
    supplier_confirmed: bool = False
    decided_at: datetime | None = None
    open_milestones: int = 0
    settled: bool = False
    has_pending_review_for_caller: bool = False


Guard = Callable[[Facts], str | None]
"""Returns None when the action may proceed, otherwise a Korean reason."""


def _call_open(f: Facts) -> str | None:
    return None if f.call_open else "공고의 접수 기간이 아닙니다."


def _step(kind: StepKind, label: str) -> Guard:
    def guard(f: Facts) -> str | None:
        return None if f.step_kind is kind else f"현재 단계가 {label} 단계가 아닙니다."

    return guard


def _decision_or_co_approval(f: Facts) -> str | None:
    if f.step_kind in (StepKind.DECISION, StepKind.CO_APPROVAL):
        return None
    return "현재 단계에서는 선정 여부를 결정할 수 없습니다."


def _supplier_unconfirmed(f: Facts) -> str | None:
    if not f.supplier_named:
        return "공급기업이 지정되지 않은 신청입니다."
    return "이미 참여를 확인했습니다." if f.supplier_confirmed else None


def _pending_review(f: Facts) -> str | None:
    return None if f.has_pending_review_for_caller else "배정된 평가가 없거나 이미 제출했습니다."


def _within_appeal_period(f: Facts) -> str | None:
    if f.decided_at is None or f.now <= f.decided_at + timedelta(days=APPEAL_DAYS):
        return None
    return f"이의신청 기간({APPEAL_DAYS}일)이 지났습니다."


def _milestones_done(f: Facts) -> str | None:
    return None if f.open_milestones == 0 else f"완료되지 않은 단계 목표가 {f.open_milestones}건 있습니다."


def _not_settled(f: Facts) -> str | None:
    return "이미 정산되었습니다." if f.settled else None


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[ApplicationStatus]
    #: None: the status does not change (an edit, a review, a milestone).
    target: ApplicationStatus | None
    parties: frozenset[Party]
    applicant_label: str
    staff_label: str
    guards: tuple[Guard, ...] = field(default=())


def _t(
    action: Action,
    sources: Iterable[ApplicationStatus],
    target: ApplicationStatus | None,
    parties: Iterable[Party],
    applicant_label: str,
    staff_label: str,
    *guards: Guard,
) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(parties), applicant_label, staff_label, guards)


P = Party
_APPLICANT = (P.APPLICANT_REP, P.APPLICANT_STAFF)
_IN_FLIGHT = (S.SUBMITTED, S.ELIGIBILITY_CHECK, S.ROUTED, S.UNDER_REVIEW, S.SUPPLEMENT_REQUESTED)

TRANSITIONS: tuple[Transition, ...] = (
    _t(Action.EDIT, (S.DRAFT, S.SUPPLEMENT_REQUESTED), None, _APPLICANT, "신청서 수정", "신청서 수정"),
    _t(Action.SUBMIT, (S.DRAFT,), S.SUBMITTED, (P.APPLICANT_REP,), "신청서 제출", "신청 접수", _call_open),
    _t(Action.WITHDRAW, (S.DRAFT, *_IN_FLIGHT), S.WITHDRAWN, (P.APPLICANT_REP,), "신청 철회", "신청 철회"),
    _t(
        Action.UPLOAD_DOCUMENT,
        (S.DRAFT, S.SUPPLEMENT_REQUESTED, S.AGREEMENT, S.IN_PROGRESS, S.FINAL_INSPECTION),
        None,
        (*_APPLICANT, P.SUPPLIER),
        "서류 첨부",
        "서류 첨부",
    ),
    _t(
        Action.CONFIRM_SUPPLIER,
        (S.DRAFT, *_IN_FLIGHT),
        None,
        (P.SUPPLIER,),
        "공급기업 참여 확인",
        "공급기업 참여 확인",
        _supplier_unconfirmed,
    ),
    _t(
        Action.REQUEST_SUPPLEMENT,
        (S.UNDER_REVIEW,),
        S.SUPPLEMENT_REQUESTED,
        (P.ASSIGNED_REVIEWER, P.STEP_APPROVER),
        "보완 요청됨",
        "보완 요청",
    ),
    _t(Action.SUBMIT_SUPPLEMENT, (S.SUPPLEMENT_REQUESTED,), S.UNDER_REVIEW, _APPLICANT, "보완 서류 제출", "보완 제출"),
    _t(
        Action.REVIEW,
        (S.UNDER_REVIEW,),
        None,
        (P.ASSIGNED_REVIEWER,),
        "평가 진행 중",
        "평가 점수 제출",
        _step(StepKind.SCREENING, "평가"),
        _pending_review,
    ),
    _t(
        Action.CO_APPROVE,
        (S.UNDER_REVIEW,),
        None,
        (P.STEP_APPROVER,),
        "대기업 공동 승인 중",
        "상생형 공동 승인",
        _step(StepKind.CO_APPROVAL, "공동 승인"),
    ),
    _t(
        Action.APPROVE,
        (S.UNDER_REVIEW,),
        S.APPROVED,
        (P.STEP_APPROVER,),
        "선정",
        "선정 승인",
        _step(StepKind.DECISION, "선정"),
    ),
    _t(
        Action.REJECT,
        (S.UNDER_REVIEW,),
        S.REJECTED,
        (P.STEP_APPROVER,),
        "미선정",
        "미선정 결정",
        _decision_or_co_approval,
    ),
    _t(Action.APPEAL, (S.REJECTED,), S.APPEAL, (P.APPLICANT_REP,), "이의신청", "이의신청 접수", _within_appeal_period),
    _t(
        Action.ACCEPT_APPEAL,
        (S.APPEAL,),
        S.UNDER_REVIEW,
        (P.OPERATOR_APPROVER,),
        "이의신청 인용",
        "이의신청 인용(재심사)",
    ),
    _t(Action.DISMISS_APPEAL, (S.APPEAL,), S.REJECTED, (P.OPERATOR_APPROVER,), "이의신청 기각", "이의신청 기각"),
    _t(
        Action.PROPOSE_AGREEMENT,
        (S.APPROVED,),
        S.AGREEMENT,
        (P.OPERATOR_STAFF, P.OPERATOR_APPROVER),
        "협약안 수신",
        "협약안 발송",
    ),
    _t(Action.SIGN_AGREEMENT, (S.AGREEMENT,), S.IN_PROGRESS, (P.APPLICANT_REP,), "협약 체결", "협약 체결"),
    _t(Action.COMPLETE_MILESTONE, (S.IN_PROGRESS,), None, _APPLICANT, "단계 목표 완료 보고", "단계 목표 완료"),
    _t(
        Action.REQUEST_INSPECTION,
        (S.IN_PROGRESS,),
        S.FINAL_INSPECTION,
        (P.APPLICANT_REP,),
        "최종점검 신청",
        "최종점검 요청 접수",
        _milestones_done,
    ),
    _t(
        Action.PASS_INSPECTION,
        (S.FINAL_INSPECTION,),
        S.COMPLETED,
        (P.OPERATOR_STAFF, P.OPERATOR_APPROVER),
        "최종점검 통과",
        "최종점검 합격",
    ),
    _t(
        Action.FAIL_INSPECTION,
        (S.FINAL_INSPECTION,),
        S.IN_PROGRESS,
        (P.OPERATOR_STAFF, P.OPERATOR_APPROVER),
        "최종점검 보완",
        "최종점검 불합격(보완)",
    ),
    _t(
        Action.REPORT_OUTCOMES,
        (S.FINAL_INSPECTION, S.COMPLETED),
        None,
        _APPLICANT,
        "성과 지표 보고",
        "성과 지표 보고",
    ),
    _t(Action.SETTLE, (S.COMPLETED,), None, (P.OPERATOR_APPROVER,), "정산 완료", "정산", _not_settled),
    _t(
        Action.RECOUP,
        (S.IN_PROGRESS, S.FINAL_INSPECTION, S.COMPLETED),
        S.RECOUPED,
        (P.OPERATOR_APPROVER,),
        "지원금 환수",
        "환수 결정",
    ),
)

BY_ACTION: dict[Action, Transition] = {t.action: t for t in TRANSITIONS}

#: Transitions workflow tasks make: (source, target, event kind).
SYSTEM_TRANSITIONS: tuple[tuple[ApplicationStatus, ApplicationStatus, str], ...] = (
    (S.SUBMITTED, S.ELIGIBILITY_CHECK, "eligibility_checked"),
    (S.SUBMITTED, S.REJECTED, "ineligible"),
    (S.ELIGIBILITY_CHECK, S.ROUTED, "routed"),
    (S.ROUTED, S.UNDER_REVIEW, "review_started"),
    (S.SUPPLEMENT_REQUESTED, S.REJECTED, "supplement_expired"),
)

#: Korean status labels: what the applicant reads and what agency staff read.
STATUS_LABELS: dict[ApplicationStatus, tuple[str, str]] = {
    S.DRAFT: ("작성 중", "작성 중(미제출)"),
    S.SUBMITTED: ("제출 완료", "접수"),
    S.ELIGIBILITY_CHECK: ("요건 검토 중", "요건 검토 완료·배정 대기"),
    S.ROUTED: ("담당 기관 배정", "기관 배정·평가위원 배정 대기"),
    S.UNDER_REVIEW: ("심사 중", "평가·심사 중"),
    S.SUPPLEMENT_REQUESTED: ("보완 요청", "보완 요청(신청기업 회신 대기)"),
    S.APPROVED: ("선정", "선정"),
    S.REJECTED: ("미선정", "미선정"),
    S.WITHDRAWN: ("철회", "신청 철회"),
    S.AGREEMENT: ("협약 진행 중", "협약 진행"),
    S.IN_PROGRESS: ("구축 중", "사업 수행"),
    S.FINAL_INSPECTION: ("최종점검 중", "최종점검"),
    S.COMPLETED: ("완료", "사업 완료"),
    S.RECOUPED: ("환수", "환수"),
    S.APPEAL: ("이의신청 중", "이의신청 검토"),
}


#: Korean labels of the event kinds in an application's log (the same for every reader).
EVENT_LABELS: dict[str, str] = {
    "created": "신청서 작성 시작",
    "edited": "신청서 수정",
    "submitted": "신청서 제출(접수)",
    "eligibility_checked": "요건 검토 통과",
    "ineligible": "요건 미충족",
    "routed": "담당 기관 배정",
    "review_started": "평가 시작",
    "reviewed": "평가 점수 제출",
    "step_started": "다음 심사 단계 시작",
    "co_approved": "대기업 공동 승인",
    "supplement_requested": "보완 요청",
    "supplement_submitted": "보완 제출",
    "supplement_expired": "보완 기한 경과",
    "approved": "선정",
    "rejected": "미선정",
    "withdrawn": "신청 철회",
    "appealed": "이의신청",
    "appeal_accepted": "이의신청 인용",
    "appeal_dismissed": "이의신청 기각",
    "agreement_proposed": "협약안 발송",
    "agreement_signed": "협약 체결",
    "build_started": "구축 시작",
    "milestone_completed": "단계 목표 완료",
    "final_inspection_requested": "최종점검 신청",
    "final_inspection_started": "최종점검 시작",
    "final_inspection_failed": "최종점검 보완",
    "completed": "사업 완료",
    "outcomes_reported": "성과 지표 보고",
    "settled": "정산 완료",
    "recouped": "환수",
    "document_attached": "서류 첨부",
    "supplier_confirmed": "공급기업 참여 확인",
    "sla_escalated": "처리 기한 경과 알림",
}


class TransitionNotAllowed(AppError):
    status_code = 409

    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.TRANSITION_NOT_ALLOWED, message, field="action")


@dataclass(frozen=True)
class Allowed:
    action: Action
    label: str


def _refusal(t: Transition, status: ApplicationStatus, parties: frozenset[Party], facts: Facts) -> str | None:
    if status not in t.sources:
        return f"'{STATUS_LABELS[status][0]}' 상태에서는 '{t.staff_label}'을(를) 할 수 없습니다."
    if not (t.parties & parties):
        return f"'{t.staff_label}'을(를) 할 권한이 없습니다."
    for guard in t.guards:
        reason = guard(facts)
        if reason is not None:
            return reason
    return None


def speaks_as_staff(parties: frozenset[Party]) -> bool:
    """Agency wording for callers who are not on the applying side of this application."""
    return not (parties & {P.APPLICANT_REP, P.APPLICANT_STAFF, P.SUPPLIER, P.SPONSOR})


def allowed_actions(status: ApplicationStatus, parties: frozenset[Party], facts: Facts) -> list[Allowed]:
    """The actions this caller may take now, labelled for them (applicant wording for applicants)."""
    staff = speaks_as_staff(parties)
    return [
        Allowed(t.action, t.staff_label if staff else t.applicant_label)
        for t in TRANSITIONS
        if _refusal(t, status, parties, facts) is None
    ]


def transition(action: Action, status: ApplicationStatus, parties: frozenset[Party], facts: Facts) -> Transition:
    """The transition to apply, or :class:`TransitionNotAllowed` naming why not."""
    t = BY_ACTION[action]
    reason = _refusal(t, status, parties, facts)
    if reason is not None:
        raise TransitionNotAllowed(reason)
    return t


def status_label(status: ApplicationStatus, *, staff: bool) -> str:
    applicant, staff_label = STATUS_LABELS[status]
    return staff_label if staff else applicant
