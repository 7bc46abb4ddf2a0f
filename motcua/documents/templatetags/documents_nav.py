"""The "Incoming documents" and "Outgoing documents" entries of the workspace's navigation, each
with how many documents wait for the reader: one aggregate query for the incoming queues, and
the outgoing queues' counts. Computed once per request."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from motcua.documents import selectors

register = template.Library()

CACHE = "_documents_nav"


def _outgoing_waiting(user: Any) -> int:
    from motcua.documents import selectors_outgoing

    return sum(int(n) for n in selectors_outgoing.outgoing_queue_counts(user).values())


def _outgoing_url() -> str:
    for name in ("documents:outgoing_list", "documents:home"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def nav_entries(request: Any) -> dict[str, Any]:
    cached = getattr(request, CACHE, None)
    if cached is not None:
        return dict(cached)
    user = request.user
    counts = selectors.incoming_queue_counts(user)
    entries = {
        "incoming_url": reverse("documents:incoming_list"),
        "incoming_count": selectors.incoming_waiting_count(counts, user),
        "outgoing_url": _outgoing_url(),
        "outgoing_count": _outgoing_waiting(user),
    }
    setattr(request, CACHE, entries)
    return dict(entries)


@register.inclusion_tag("documents/_nav.html", takes_context=True)
def documents_nav(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not (
        getattr(user, "is_official", False) or getattr(user, "is_superuser", False)
    ):
        return {"show": False}
    path = request.path
    entries = nav_entries(request)
    entries.update(
        show=True,
        incoming_current=path.startswith(entries["incoming_url"]),
        outgoing_current="/outgoing/" in path,
    )
    return entries
