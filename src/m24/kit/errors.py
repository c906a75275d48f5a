"""Errors that are part of the contract: a stable code, the field at fault, a message for people."""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_BUSINESS_NUMBER = "INVALID_BUSINESS_NUMBER"
    UNKNOWN_REGION = "UNKNOWN_REGION"
    UNKNOWN_INDUSTRY = "UNKNOWN_INDUSTRY"
    INVALID_CURSOR = "INVALID_CURSOR"
    PAGE_TOO_LARGE = "PAGE_TOO_LARGE"
    INVALID_ID = "INVALID_ID"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    CONFLICT = "CONFLICT"
    BUSINESS_SUSPENDED = "BUSINESS_SUSPENDED"
    BUSINESS_CLOSED = "BUSINESS_CLOSED"
    BUSINESS_UNREGISTERED = "BUSINESS_UNREGISTERED"
    EXTERNAL_UNAVAILABLE = "EXTERNAL_UNAVAILABLE"
    LAST_REPRESENTATIVE = "LAST_REPRESENTATIVE"
    ALREADY_MEMBER = "ALREADY_MEMBER"
    # funding applications
    CALL_NOT_OPEN = "CALL_NOT_OPEN"
    INELIGIBLE = "INELIGIBLE"
    TRANSITION_NOT_ALLOWED = "TRANSITION_NOT_ALLOWED"
    STALE_VERSION = "STALE_VERSION"
    DUPLICATE_APPLICATION = "DUPLICATE_APPLICATION"
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    FORM_INVALID = "FORM_INVALID"
    SCORE_INVALID = "SCORE_INVALID"
    DEADLINE_PASSED = "DEADLINE_PASSED"
    ROUTING_FAILED = "ROUTING_FAILED"
    DOCUMENT_TOO_LARGE = "DOCUMENT_TOO_LARGE"
    DOCUMENT_TYPE_NOT_ALLOWED = "DOCUMENT_TYPE_NOT_ALLOWED"
    DOCUMENT_EMPTY = "DOCUMENT_EMPTY"
    DOCUMENT_CONTENT_MISMATCH = "DOCUMENT_CONTENT_MISMATCH"
    SEARCH_UNAVAILABLE = "SEARCH_UNAVAILABLE"
    NOT_A_SPECIALIST = "NOT_A_SPECIALIST"
    PROJECT_NOT_COMPLETED = "PROJECT_NOT_COMPLETED"
    ALREADY_RATED = "ALREADY_RATED"
    ALREADY_ENROLLED = "ALREADY_ENROLLED"
    ENROLLMENT_CLOSED = "ENROLLMENT_CLOSED"
    SESSION_FULL = "SESSION_FULL"
    CANCELLATION_CLOSED = "CANCELLATION_CLOSED"
    SESSION_NOT_ENDED = "SESSION_NOT_ENDED"
    PERSONAL_DATA_IN_METADATA = "PERSONAL_DATA_IN_METADATA"
    DATASET_FILE_TOO_LARGE = "DATASET_FILE_TOO_LARGE"
    DATASET_FILE_TYPE_NOT_ALLOWED = "DATASET_FILE_TYPE_NOT_ALLOWED"
    DATASET_FILE_MISMATCH = "DATASET_FILE_MISMATCH"
    ACCESS_NOT_REQUIRED = "ACCESS_NOT_REQUIRED"
    ALREADY_REQUESTED = "ALREADY_REQUESTED"
    ACCESS_DENIED = "ACCESS_DENIED"
    DOWNLOAD_LINK_INVALID = "DOWNLOAD_LINK_INVALID"
    DOWNLOAD_LINK_EXPIRED = "DOWNLOAD_LINK_EXPIRED"
    DOWNLOAD_LINK_USED = "DOWNLOAD_LINK_USED"


class AppError(Exception):
    """An expected error: reported to the caller with its code, field and message; never masked."""

    status_code = 400

    def __init__(self, code: ErrorCode, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


class ValidationFailed(AppError):
    status_code = 422


class NotFound(AppError):
    status_code = 404

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(ErrorCode.NOT_FOUND, message, field=field)


class Conflict(AppError):
    status_code = 409


class Unauthenticated(AppError):
    status_code = 401

    def __init__(self, message: str = "로그인이 필요합니다.") -> None:
        super().__init__(ErrorCode.UNAUTHENTICATED, message)


class Forbidden(AppError):
    status_code = 403

    def __init__(self, message: str = "이 작업을 할 권한이 없습니다.", *, field: str | None = None) -> None:
        super().__init__(ErrorCode.FORBIDDEN, message, field=field)


class ServiceUnavailable(AppError):
    """A component of ours (not the caller) cannot answer right now; retrying later may work."""

    status_code = 503
