"""The workflow table: every row's sources, parties and guards, checked through `transition()`."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from m24.kit.errors import ErrorCode
from m24.portal.funding.models import ApplicationStatus, StepKind
from m24.portal.funding.workflow import (
    APPEAL_DAYS,
    BY_ACTION,
    STATUS_LABELS,
    SYSTEM_TRANSITIONS,
    TRANSITIONS,
    Action,
    Allowed,
    Facts,
    Party,
    Transition,
    TransitionNotAllowed,
    allowed_actions,
    status_label,
    transition,
)

S = ApplicationStatus
NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
HANGUL = re.compile(r"[가-힣]")
ALL_PARTIES = frozenset(Party)

#: Facts under which each action's guards pass (everything not listed: the Facts defaults).
PASSING_FACTS: dict[Action, dict[str, Any]] = {
    Action.CONFIRM_SUPPLIER: {"supplier_named": True},
    Action.REVIEW: {"step_kind": StepKind.SCREENING, "has_pending_review_for_caller": True},
    Action.CO_APPROVE: {"step_kind": StepKind.CO_APPROVAL},
    Action.APPROVE: {"step_kind": StepKind.DECISION},
    Action.REJECT: {"step_kind": StepKind.DECISION},
    Action.APPEAL: {"decided_at": NOW - timedelta(days=1)},
}


def facts_for(action: Action, **overrides: Any) -> Facts:
    return Facts(now=NOW, **{**PASSING_FACTS.get(action, {}), **overrides})


def refused(action: Action, status: ApplicationStatus, parties: frozenset[Party], facts: Facts) -> str:
    with pytest.raises(TransitionNotAllowed) as info:
        transition(action, status, parties, facts)
    assert info.value.code is ErrorCode.TRANSITION_NOT_ALLOWED
    assert info.value.field == "action"
    assert info.value.status_code == 409
    return info.value.message


# --- the table itself ----------------------------------------------------------------------------------


def test_every_status_has_both_korean_labels() -> None:
    assert set(STATUS_LABELS) == set(ApplicationStatus)
    for status, labels in STATUS_LABELS.items():
        assert len(labels) == 2, status
        applicant, staff = labels
        assert HANGUL.search(applicant), (status, applicant)
        assert HANGUL.search(staff), (status, staff)
        assert status_label(status, staff=False) == applicant
        assert status_label(status, staff=True) == staff


def test_status_label_examples() -> None:
    assert status_label(S.DRAFT, staff=False) == "작성 중"
    assert status_label(S.DRAFT, staff=True) == "작성 중(미제출)"
    assert status_label(S.UNDER_REVIEW, staff=True) == "평가·심사 중"


def test_every_action_has_exactly_one_transition() -> None:
    counts = Counter(t.action for t in TRANSITIONS)
    assert set(counts) == set(Action)
    assert all(n == 1 for n in counts.values()), counts
    assert set(BY_ACTION) == set(Action)
    assert all(BY_ACTION[t.action] is t for t in TRANSITIONS)


def test_every_transition_is_well_formed() -> None:
    for t in TRANSITIONS:
        assert t.sources, t.action
        assert t.parties, t.action
        assert HANGUL.search(t.applicant_label) and HANGUL.search(t.staff_label), t.action
        # A status-changing transition never loops onto one of its own sources.
        assert t.target is None or t.target not in t.sources, t.action


# --- parties and sources, row by row -------------------------------------------------------------------

ALLOWED_CASES = [
    pytest.param(t.action, source, party, id=f"{t.action}-{source}-{party}")
    for t in TRANSITIONS
    for source in sorted(t.sources)
    for party in sorted(t.parties)
]
DENIED_CASES = [
    pytest.param(t.action, source, party, id=f"{t.action}-{source}-{party}")
    for t in TRANSITIONS
    for source in sorted(t.sources)
    for party in sorted(set(Party) - t.parties)
]
WRONG_STATUS_CASES = [
    pytest.param(t.action, status, id=f"{t.action}-{status}")
    for t in TRANSITIONS
    for status in sorted(set(ApplicationStatus) - t.sources)
]


@pytest.mark.parametrize(("action", "source", "party"), ALLOWED_CASES)
def test_allowed_party_can_act_from_each_source(action: Action, source: ApplicationStatus, party: Party) -> None:
    result = transition(action, source, frozenset({party}), facts_for(action))
    assert isinstance(result, Transition)
    assert result is BY_ACTION[action]
    assert result.action is action
    actions = [a.action for a in allowed_actions(source, frozenset({party}), facts_for(action))]
    assert action in actions


@pytest.mark.parametrize(("action", "source", "party"), DENIED_CASES)
def test_other_party_cannot_act(action: Action, source: ApplicationStatus, party: Party) -> None:
    message = refused(action, source, frozenset({party}), facts_for(action))
    assert message == f"'{BY_ACTION[action].staff_label}'을(를) 할 권한이 없습니다."
    actions = [a.action for a in allowed_actions(source, frozenset({party}), facts_for(action))]
    assert action not in actions


@pytest.mark.parametrize(("action", "status"), WRONG_STATUS_CASES)
def test_no_party_can_act_from_another_status(action: Action, status: ApplicationStatus) -> None:
    message = refused(action, status, ALL_PARTIES, facts_for(action))
    assert message == f"'{STATUS_LABELS[status][0]}' 상태에서는 '{BY_ACTION[action].staff_label}'을(를) 할 수 없습니다."


def test_targets_of_key_transitions() -> None:
    assert transition(Action.SUBMIT, S.DRAFT, frozenset({Party.APPLICANT_REP}), facts_for(Action.SUBMIT)).target is (
        S.SUBMITTED
    )
    approver = frozenset({Party.STEP_APPROVER})
    assert transition(Action.APPROVE, S.UNDER_REVIEW, approver, facts_for(Action.APPROVE)).target is S.APPROVED
    assert transition(Action.REJECT, S.UNDER_REVIEW, approver, facts_for(Action.REJECT)).target is S.REJECTED
    reviewer = frozenset({Party.ASSIGNED_REVIEWER})
    assert transition(Action.REVIEW, S.UNDER_REVIEW, reviewer, facts_for(Action.REVIEW)).target is None
    op = frozenset({Party.OPERATOR_APPROVER})
    assert transition(Action.RECOUP, S.COMPLETED, op, facts_for(Action.RECOUP)).target is S.RECOUPED
    assert transition(Action.ACCEPT_APPEAL, S.APPEAL, op, facts_for(Action.ACCEPT_APPEAL)).target is S.UNDER_REVIEW


# --- guards --------------------------------------------------------------------------------------------

REP = frozenset({Party.APPLICANT_REP})
APPROVER = frozenset({Party.STEP_APPROVER})
REVIEWER = frozenset({Party.ASSIGNED_REVIEWER})
OP_APPROVER = frozenset({Party.OPERATOR_APPROVER})
SUPPLIER = frozenset({Party.SUPPLIER})


def test_submit_refused_when_call_closed() -> None:
    message = refused(Action.SUBMIT, S.DRAFT, REP, Facts(now=NOW, call_open=False))
    assert message == "공고의 접수 기간이 아닙니다."
    assert transition(Action.SUBMIT, S.DRAFT, REP, Facts(now=NOW, call_open=True)).target is S.SUBMITTED


@pytest.mark.parametrize("step", [None, StepKind.CO_APPROVAL, StepKind.DECISION])
def test_review_needs_screening_step(step: StepKind | None) -> None:
    facts = Facts(now=NOW, step_kind=step, has_pending_review_for_caller=True)
    assert refused(Action.REVIEW, S.UNDER_REVIEW, REVIEWER, facts) == "현재 단계가 평가 단계가 아닙니다."


def test_review_needs_a_pending_review() -> None:
    facts = Facts(now=NOW, step_kind=StepKind.SCREENING, has_pending_review_for_caller=False)
    assert refused(Action.REVIEW, S.UNDER_REVIEW, REVIEWER, facts) == "배정된 평가가 없거나 이미 제출했습니다."
    ok = Facts(now=NOW, step_kind=StepKind.SCREENING, has_pending_review_for_caller=True)
    assert transition(Action.REVIEW, S.UNDER_REVIEW, REVIEWER, ok).action is Action.REVIEW


@pytest.mark.parametrize("step", [None, StepKind.SCREENING, StepKind.CO_APPROVAL])
def test_approve_needs_decision_step(step: StepKind | None) -> None:
    facts = Facts(now=NOW, step_kind=step)
    assert refused(Action.APPROVE, S.UNDER_REVIEW, APPROVER, facts) == "현재 단계가 선정 단계가 아닙니다."


@pytest.mark.parametrize("step", [None, StepKind.SCREENING, StepKind.DECISION])
def test_co_approve_needs_co_approval_step(step: StepKind | None) -> None:
    facts = Facts(now=NOW, step_kind=step)
    assert refused(Action.CO_APPROVE, S.UNDER_REVIEW, APPROVER, facts) == "현재 단계가 공동 승인 단계가 아닙니다."


@pytest.mark.parametrize("step", [StepKind.DECISION, StepKind.CO_APPROVAL])
def test_reject_allowed_on_decision_or_co_approval(step: StepKind) -> None:
    result = transition(Action.REJECT, S.UNDER_REVIEW, APPROVER, Facts(now=NOW, step_kind=step))
    assert result.target is S.REJECTED


@pytest.mark.parametrize("step", [None, StepKind.SCREENING])
def test_reject_refused_on_other_steps(step: StepKind | None) -> None:
    message = refused(Action.REJECT, S.UNDER_REVIEW, APPROVER, Facts(now=NOW, step_kind=step))
    assert message == "현재 단계에서는 선정 여부를 결정할 수 없습니다."


@pytest.mark.parametrize(
    "elapsed", [timedelta(0), timedelta(days=1), timedelta(days=APPEAL_DAYS - 1, hours=23), timedelta(days=APPEAL_DAYS)]
)
def test_appeal_within_period(elapsed: timedelta) -> None:
    facts = Facts(now=NOW, decided_at=NOW - elapsed)
    assert transition(Action.APPEAL, S.REJECTED, REP, facts).target is S.APPEAL


@pytest.mark.parametrize(
    "elapsed", [timedelta(days=APPEAL_DAYS, seconds=1), timedelta(days=APPEAL_DAYS + 1), timedelta(days=365)]
)
def test_appeal_refused_after_period(elapsed: timedelta) -> None:
    assert APPEAL_DAYS == 14
    facts = Facts(now=NOW, decided_at=NOW - elapsed)
    assert refused(Action.APPEAL, S.REJECTED, REP, facts) == "이의신청 기간(14일)이 지났습니다."


def test_request_inspection_refused_with_open_milestones() -> None:
    facts = Facts(now=NOW, open_milestones=2)
    assert refused(Action.REQUEST_INSPECTION, S.IN_PROGRESS, REP, facts) == "완료되지 않은 단계 목표가 2건 있습니다."
    done = Facts(now=NOW, open_milestones=0)
    assert transition(Action.REQUEST_INSPECTION, S.IN_PROGRESS, REP, done).target is S.FINAL_INSPECTION


def test_settle_refused_when_settled() -> None:
    assert refused(Action.SETTLE, S.COMPLETED, OP_APPROVER, Facts(now=NOW, settled=True)) == "이미 정산되었습니다."
    assert transition(Action.SETTLE, S.COMPLETED, OP_APPROVER, Facts(now=NOW, settled=False)).target is None


def test_confirm_supplier_guards() -> None:
    no_supplier = Facts(now=NOW, supplier_named=False)
    assert refused(Action.CONFIRM_SUPPLIER, S.DRAFT, SUPPLIER, no_supplier) == "공급기업이 지정되지 않은 신청입니다."
    # Even a confirmed flag without a named supplier reports the missing supplier first.
    odd = Facts(now=NOW, supplier_named=False, supplier_confirmed=True)
    assert refused(Action.CONFIRM_SUPPLIER, S.DRAFT, SUPPLIER, odd) == "공급기업이 지정되지 않은 신청입니다."
    confirmed = Facts(now=NOW, supplier_named=True, supplier_confirmed=True)
    assert refused(Action.CONFIRM_SUPPLIER, S.SUBMITTED, SUPPLIER, confirmed) == "이미 참여를 확인했습니다."
    pending = Facts(now=NOW, supplier_named=True, supplier_confirmed=False)
    assert transition(Action.CONFIRM_SUPPLIER, S.SUBMITTED, SUPPLIER, pending).target is None


def test_status_is_checked_before_party_and_party_before_guards() -> None:
    closed = Facts(now=NOW, call_open=False)
    # Wrong status and wrong party and failing guard: the status is named.
    assert refused(Action.SUBMIT, S.APPROVED, REVIEWER, closed) == "'선정' 상태에서는 '신청 접수'을(를) 할 수 없습니다."
    # Right status, wrong party, failing guard: the permission is named.
    assert refused(Action.SUBMIT, S.DRAFT, REVIEWER, closed) == "'신청 접수'을(를) 할 권한이 없습니다."


def test_empty_party_set_can_do_nothing() -> None:
    for status in ApplicationStatus:
        assert allowed_actions(status, frozenset(), Facts(now=NOW, supplier_named=True)) == []


# --- allowed_actions -----------------------------------------------------------------------------------


def test_allowed_actions_for_applicant_use_applicant_labels() -> None:
    result = allowed_actions(S.DRAFT, REP, Facts(now=NOW))
    assert result == [
        Allowed(Action.EDIT, "신청서 수정"),
        Allowed(Action.SUBMIT, "신청서 제출"),
        Allowed(Action.WITHDRAW, "신청 철회"),
        Allowed(Action.UPLOAD_DOCUMENT, "서류 첨부"),
    ]


def test_allowed_actions_drop_guarded_ones() -> None:
    result = allowed_actions(S.DRAFT, REP, Facts(now=NOW, call_open=False))
    assert [a.action for a in result] == [Action.EDIT, Action.WITHDRAW, Action.UPLOAD_DOCUMENT]


def test_allowed_actions_applicant_staff_cannot_submit_or_withdraw() -> None:
    result = allowed_actions(S.DRAFT, frozenset({Party.APPLICANT_STAFF}), Facts(now=NOW))
    assert [a.action for a in result] == [Action.EDIT, Action.UPLOAD_DOCUMENT]


def test_allowed_actions_for_staff_use_staff_labels() -> None:
    facts = Facts(now=NOW, step_kind=StepKind.DECISION)
    assert allowed_actions(S.UNDER_REVIEW, APPROVER, facts) == [
        Allowed(Action.REQUEST_SUPPLEMENT, "보완 요청"),
        Allowed(Action.APPROVE, "선정 승인"),
        Allowed(Action.REJECT, "미선정 결정"),
    ]
    reviewer_facts = Facts(now=NOW, step_kind=StepKind.SCREENING, has_pending_review_for_caller=True)
    assert allowed_actions(S.UNDER_REVIEW, REVIEWER, reviewer_facts) == [
        Allowed(Action.REQUEST_SUPPLEMENT, "보완 요청"),
        Allowed(Action.REVIEW, "평가 점수 제출"),
    ]
    assert allowed_actions(S.APPEAL, OP_APPROVER, Facts(now=NOW)) == [
        Allowed(Action.ACCEPT_APPEAL, "이의신청 인용(재심사)"),
        Allowed(Action.DISMISS_APPEAL, "이의신청 기각"),
    ]
    assert allowed_actions(S.FINAL_INSPECTION, frozenset({Party.OPERATOR_STAFF}), Facts(now=NOW)) == [
        Allowed(Action.PASS_INSPECTION, "최종점검 합격"),
        Allowed(Action.FAIL_INSPECTION, "최종점검 불합격(보완)"),
    ]


def test_applicant_party_wins_the_wording_when_mixed_with_staff() -> None:
    result = allowed_actions(S.COMPLETED, frozenset({Party.APPLICANT_REP, Party.OPERATOR_APPROVER}), Facts(now=NOW))
    assert result == [
        Allowed(Action.REPORT_OUTCOMES, "성과 지표 보고"),
        Allowed(Action.SETTLE, "정산 완료"),
        Allowed(Action.RECOUP, "지원금 환수"),
    ]
    staff_only = allowed_actions(S.COMPLETED, OP_APPROVER, Facts(now=NOW))
    assert staff_only == [Allowed(Action.SETTLE, "정산"), Allowed(Action.RECOUP, "환수 결정")]


@pytest.mark.parametrize("party", [Party.SUPPLIER, Party.SPONSOR])
def test_supplier_and_sponsor_read_applicant_labels(party: Party) -> None:
    # REQUEST_SUPPLEMENT's wording differs by audience; give the party staff rights to see it.
    parties = frozenset({party, Party.ASSIGNED_REVIEWER})
    result = allowed_actions(S.UNDER_REVIEW, parties, Facts(now=NOW))
    assert Allowed(Action.REQUEST_SUPPLEMENT, "보완 요청됨") in result


@pytest.mark.parametrize("status", [S.WITHDRAWN, S.RECOUPED])
def test_terminal_statuses_offer_nothing(status: ApplicationStatus) -> None:
    permissive = Facts(
        now=NOW,
        call_open=True,
        step_kind=StepKind.DECISION,
        supplier_named=True,
        decided_at=NOW,
        has_pending_review_for_caller=True,
    )
    assert allowed_actions(status, ALL_PARTIES, permissive) == []
    for action in Action:
        refused(action, status, ALL_PARTIES, facts_for(action))


def test_nothing_leads_out_of_withdrawn() -> None:
    assert all(S.WITHDRAWN not in t.sources for t in TRANSITIONS)
    assert all(source is not S.WITHDRAWN for source, _target, _event in SYSTEM_TRANSITIONS)
    # Withdrawal is reachable, so the state is not dead code.
    assert BY_ACTION[Action.WITHDRAW].target is S.WITHDRAWN
    for action in Action:
        message = refused(action, S.WITHDRAWN, ALL_PARTIES, facts_for(action))
        assert message.startswith("'철회' 상태에서는")


def test_every_status_is_reachable() -> None:
    targets = {t.target for t in TRANSITIONS if t.target is not None}
    targets |= {target for _source, target, _event in SYSTEM_TRANSITIONS}
    assert targets | {S.DRAFT} == set(ApplicationStatus)
