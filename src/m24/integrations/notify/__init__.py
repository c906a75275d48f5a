"""Notification gateway (email, SMS, KakaoTalk 알림톡 behind one HTTP interface): client and simulator.

The interface is specified in :mod:`m24.integrations.notify.simulator` (imported on demand: it needs
Starlette and uvicorn, which the client does not).
"""

from m24.integrations.notify.client import (
    Channel,
    MessageStatus,
    NotifyClient,
    OutgoingMessage,
    RateLimited,
    SentMessage,
)

__all__ = ["Channel", "MessageStatus", "NotifyClient", "OutgoingMessage", "RateLimited", "SentMessage"]
