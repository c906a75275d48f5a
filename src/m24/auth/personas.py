"""Demo personas: the seed creates these people, the Keycloak realm has them as users, and the
development issuer logs in as them. Realm roles mirror deploy/keycloak/m24-realm.json."""

from __future__ import annotations

from dataclasses import dataclass


class Role:
    SME_REPRESENTATIVE = "sme_representative"
    SME_STAFF = "sme_staff"
    SPECIALIST_MEMBER = "specialist_member"
    AGENCY_REVIEWER = "agency_reviewer"
    AGENCY_APPROVER = "agency_approver"
    AGENCY_ADMIN = "agency_admin"
    PLATFORM_ADMIN = "platform_admin"


ALL_ROLES = frozenset(
    {
        Role.SME_REPRESENTATIVE,
        Role.SME_STAFF,
        Role.SPECIALIST_MEMBER,
        Role.AGENCY_REVIEWER,
        Role.AGENCY_APPROVER,
        Role.AGENCY_ADMIN,
        Role.PLATFORM_ADMIN,
    }
)


@dataclass(frozen=True)
class Persona:
    key: str
    email: str
    name: str
    roles: frozenset[str]
    description: str


PERSONAS: dict[str, Persona] = {
    p.key: p
    for p in (
        Persona(
            "sme", "sme@demo.m24.kr", "박정호", frozenset({Role.SME_REPRESENTATIVE}), "수요기업 대표 ((주)한빛정밀)"
        ),
        Persona(
            "sme-staff", "sme-staff@demo.m24.kr", "이수진", frozenset({Role.SME_STAFF}), "수요기업 직원 ((주)한빛정밀)"
        ),
        Persona(
            "specialist", "specialist@demo.m24.kr", "최민준", frozenset({Role.SPECIALIST_MEMBER}), "공급기업 구성원"
        ),
        Persona(
            "regional-reviewer",
            "regional-reviewer@demo.m24.kr",
            "정은비",
            frozenset({Role.AGENCY_REVIEWER}),
            "지역 기관 평가위원 (경기테크노파크)",
        ),
        Persona(
            "central-approver",
            "central-approver@demo.m24.kr",
            "강동현",
            frozenset({Role.AGENCY_APPROVER}),
            "중앙 기관 승인권자 (스마트제조혁신추진단)",
        ),
        Persona("admin", "admin@demo.m24.kr", "한지원", frozenset({Role.PLATFORM_ADMIN}), "플랫폼 관리자"),
    )
}
