"""Notifications: who is told about what happens to an idea, and each person's choices.

The domain records one row per (event, recipient) in the event's transaction
(`recording.record`); delivery (`delivery.claim`, `claim_digest`) takes each row once. Sending
the mail is the web layer's (web/notifications).
"""

from pipeline.notifications.models import (
    KIND_LABELS,
    MODE_LABELS,
    Kind,
    Mode,
    Notification,
    NotificationPreference,
)
from pipeline.notifications.recording import recipients, record, take_new

__all__ = [
    "KIND_LABELS",
    "MODE_LABELS",
    "Kind",
    "Mode",
    "Notification",
    "NotificationPreference",
    "record",
    "recipients",
    "take_new",
]
