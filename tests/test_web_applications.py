"""The 신청 현황 pages: the same scope, wording and allowed actions as GraphQL, rendered in Korean."""

from __future__ import annotations

import httpx

from tests.funding_support import draft, only_the_persona_reviews, submit, to_review, world
from tests.helpers import Api


async def page(api: Api, path: str, who: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {api.token(who)}"} if who else {}
    return await api.client.get(path, headers=headers)


async def test_applicants_and_agency_staff_see_their_applications_in_their_own_words(api: Api) -> None:
    w = await world(api.db)
    await only_the_persona_reviews(api.db, w.company_id)
    application_id = await draft(api.db, w)
    await submit(api.db, w.sme, application_id)
    await to_review(api.db, application_id)

    mine = await page(api, "/applications", "sme")
    assert mine.status_code == 200 and "신청 현황" in mine.text
    assert w.program.title in mine.text and "심사 중" in mine.text  # the applicant's wording

    staff = await page(api, f"/applications/{application_id}", "regional-reviewer")
    assert staff.status_code == 200
    assert "평가·심사 중" in staff.text, "agency wording for agency staff"
    assert "경기테크노파크" in staff.text and "스마트제조혁신추진단" in staff.text
    assert "담당 기관 배정" in staff.text and "평가 점수 제출" in staff.text, "the assigned reviewer's next step"

    outsider = await page(api, f"/applications/{application_id}", "specialist@other.example.kr")
    assert outsider.status_code == 404 and "찾을 수 없습니다" in outsider.text
    anonymous = await page(api, "/applications", None)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
