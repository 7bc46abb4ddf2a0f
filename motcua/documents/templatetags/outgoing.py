"""Filters of the outgoing documents' pages."""

from __future__ import annotations

from django import template

from motcua.documents.enums import TYPE_NAMES
from motcua.documents.outgoing_labels import FOLLOWER_LABELS
from motcua.documents.outgoing_labels import channel_label as _channel_label

register = template.Library()


@register.filter
def type_name(document_type: str) -> str:
    """The type's legal Vietnamese name ("Quyết định"), as the document itself prints it."""
    return TYPE_NAMES.get(document_type, "")


@register.filter
def file_size(size: int | None) -> str:
    """1234567 -> "1,2 MB" (Vietnamese decimal comma)."""
    if not size:
        return "0 KB"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


@register.filter
def channel_label(channel: str) -> str:
    """How a recipient is reached, in words."""
    return _channel_label(channel)


@register.filter
def follower_label(business_doc_type: int) -> str:
    """What a later document does to this one: "revocation", "update", "replacement"."""
    return str(FOLLOWER_LABELS.get(business_doc_type, ""))
