"""People and their memberships in companies and agencies."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from m24.kit.db import Base, IdMixin, TimestampMixin, str_enum


class CompanyRole(enum.StrEnum):
    REPRESENTATIVE = "representative"  # 대표자 (or its delegate)
    STAFF = "staff"


class AgencyRole(enum.StrEnum):
    REVIEWER = "reviewer"
    APPROVER = "approver"
    ADMIN = "admin"


class MembershipStatus(enum.StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    REVOKED = "revoked"


class Person(IdMixin, TimestampMixin, Base):
    __tablename__ = "people"

    #: Subject of the identity provider's tokens (Keycloak ``sub``); null until first login.
    subject: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    is_platform_admin: Mapped[bool] = mapped_column(sa.Boolean, default=False)


class CompanyMembership(IdMixin, TimestampMixin, Base):
    __tablename__ = "company_memberships"
    __table_args__ = (sa.UniqueConstraint("person_id", "company_id"),)

    person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    role: Mapped[CompanyRole] = mapped_column(str_enum(CompanyRole, "company_role"))
    status: Mapped[MembershipStatus] = mapped_column(
        str_enum(MembershipStatus, "company_membership_status"), default=MembershipStatus.ACTIVE
    )


class AgencyMembership(IdMixin, TimestampMixin, Base):
    __tablename__ = "agency_memberships"
    __table_args__ = (sa.UniqueConstraint("person_id", "agency_id", "role"),)

    person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    role: Mapped[AgencyRole] = mapped_column(str_enum(AgencyRole, "agency_role"))
    status: Mapped[MembershipStatus] = mapped_column(
        str_enum(MembershipStatus, "agency_membership_status"), default=MembershipStatus.ACTIVE
    )


class WebSession(TimestampMixin, Base):
    """A browser session after OIDC login. The cookie holds a random token; only its hash is stored,
    so a database leak does not hand out live sessions."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(sa.String(64))
    #: Kept to end the identity provider's session on logout (``id_token_hint``).
    id_token: Mapped[str | None] = mapped_column(sa.Text)
    client_ip: Mapped[str | None] = mapped_column(sa.String(64))
    expires_at: Mapped[datetime] = mapped_column(index=True)
