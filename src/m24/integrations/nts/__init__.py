"""National Tax Service business status API (국세청 사업자등록정보 진위확인 및 상태조회): client and simulator.

The simulator lives in :mod:`m24.integrations.nts.simulator` (imported on demand: it needs Starlette
and uvicorn, which the client does not).
"""

from m24.integrations.nts.client import (
    MAX_NUMBERS_PER_CALL,
    BusinessState,
    BusinessStatus,
    NtsClient,
    normalize_number,
)

__all__ = ["MAX_NUMBERS_PER_CALL", "BusinessState", "BusinessStatus", "NtsClient", "normalize_number"]
