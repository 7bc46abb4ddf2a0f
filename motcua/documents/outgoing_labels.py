"""Words the outgoing documents' pages use for stored values whose enum labels read wrong in
these pages (the shared msgids "Paper" and "Revocation" already mean something else in the
translations): how a recipient is reached, and what a later document does to an earlier one."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from motcua.documents.enums import BusinessDocType, Channel

CHANNEL_LABELS: dict[str, Any] = {
    Channel.PEER: _("Electronically, to another MotCua system"),
    Channel.AXIS: _("Electronically, over the national exchange axis"),
    Channel.EMAIL: _("By official e-mail"),
    Channel.PAPER: _("On paper"),
    Channel.API: _("Electronically, through the API"),
    Channel.INTERNAL: _("Electronically, within this system"),
}

BUSINESS_LABELS: dict[int, Any] = {
    BusinessDocType.NEW: _("New document"),
    BusinessDocType.REVOKE: _("Revokes"),
    BusinessDocType.UPDATE: _("Updates"),
    BusinessDocType.REPLACE: _("Replaces"),
}
# A later document, seen from the earlier one it revokes, updates or replaces.
FOLLOWER_LABELS: dict[int, Any] = {
    BusinessDocType.REVOKE: _("revocation"),
    BusinessDocType.UPDATE: _("update"),
    BusinessDocType.REPLACE: _("replacement"),
}


def channel_label(channel: str) -> str:
    return str(CHANNEL_LABELS.get(channel, channel))
