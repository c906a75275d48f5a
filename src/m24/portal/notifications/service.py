"""Writing to the notification outbox. Delivery is a workflow task (after commit, retried, idempotent).

:func:`notify` inserts one outbox row per (announcement, person) — the ``dedupe_key`` makes a repeated
call (a task that ran twice under at-least-once delivery) write nothing new — and enqueues the delivery
job, which is published only if the surrounding transaction commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.util import identity_key

from m24.kit.jobs import enqueue_job
from m24.portal.notifications.models import Channel, DeliveryStatus, Notification
from m24.portal.people.models import Person

DELIVER_JOB = "m24.notifications.deliver"

#: Template code → Korean subject line (the gateway renders the body from the code and variables).
SUBJECTS: dict[str, str] = {
    "application.submitted": "[제조AI24] 지원사업 신청이 접수되었습니다",
    "application.ineligible": "[제조AI24] 신청 요건 검토 결과 안내",
    "application.routed": "[제조AI24] 신청서가 담당 기관에 배정되었습니다",
    "review.assigned": "[제조AI24] 평가 배정 안내",
    "step.arrived": "[제조AI24] 처리할 신청서가 도착했습니다",
    "supplement.requested": "[제조AI24] 신청서 보완 요청",
    "application.decided": "[제조AI24] 지원사업 선정 결과 안내",
    "sla.escalated": "[제조AI24] 처리 기한 경과 신청서 알림",
    "agreement.proposed": "[제조AI24] 협약안이 도착했습니다",
    "invitation.company": "[제조AI24] 기업 구성원으로 초대되었습니다",
    "invitation.agency": "[제조AI24] 기관 담당자로 초대되었습니다",
    "designation.renewal": "[제조AI24] 제조AI 전문기업 지정 만료 예정 안내",
    "designation.expired": "[제조AI24] 제조AI 전문기업 지정이 만료되었습니다",
    "enrollment.approval_needed": "[제조AI24] 직원의 교육 수강 신청 승인 요청",
    "enrollment.promoted": "[제조AI24] 대기 중이던 교육에 자리가 났습니다",
    "enrollment.refused": "[제조AI24] 교육 수강 신청이 반려되었습니다",
    "enrollment.completed": "[제조AI24] 교육을 수료했습니다 — 수료증 안내",
    "dataset.access_requested": "[제조AI24] 데이터 이용 신청이 도착했습니다",
    "dataset.access_decided": "[제조AI24] 데이터 이용 신청 결과 안내",
    "dataset.submitted": "[제조AI24] 데이터셋 등록 검토 요청",
    "dataset.reviewed": "[제조AI24] 등록 신청한 데이터셋 검토 결과",
}


async def notify(
    session: AsyncSession,
    person_ids: Iterable[uuid.UUID],
    template: str,
    variables: Mapping[str, str | int],
    dedupe_key: str,
) -> list[Notification]:
    """Queue one e-mail per person (deduplicated by ``dedupe_key`` + person); returns the new rows
    (transient objects describing what was inserted; the outbox rows themselves are in the table)."""
    ids = sorted(set(person_ids))
    if not ids:
        return []
    # People already in the session (say, an applicant loaded with the application) cost no query.
    known = {pid: person for pid in ids if (person := session.identity_map.get(identity_key(Person, pid))) is not None}
    missing = [pid for pid in ids if pid not in known]
    if missing:
        known.update({p.id: p for p in await session.scalars(sa.select(Person).where(Person.id.in_(missing)))})
    people = [known[pid] for pid in ids if pid in known]
    rows = [
        {
            "id": uuid.uuid4(),
            "dedupe_key": f"{dedupe_key}:{person.id}",
            "person_id": person.id,
            "channel": Channel.EMAIL,
            "recipient": person.email,
            "template": template,
            "subject": SUBJECTS.get(template),
            "variables": {"name": person.name, **dict(variables)},
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
        }
        for person in people
    ]
    if not rows:
        return []
    # One statement; a row whose dedupe key exists already (a repeated call) is skipped by the database.
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(Notification).values(rows).on_conflict_do_nothing(index_elements=["dedupe_key"])
    inserted = set((await session.scalars(stmt.returning(Notification.id))).all())
    created = [Notification(**row) for row in rows if row["id"] in inserted]
    for row in created:
        enqueue_job(session, DELIVER_JOB, notification_id=row.id)
    return created
