"""The workspace's home page: the officials' queues (to receive, my tasks, my unit's dossiers,
due soon, overdue) with their counts, search and paging.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from motcua.accounts.enums import Role
from motcua.accounts.policies import is_provincial_admin
from motcua.backoffice import selectors
from motcua.backoffice.views._common import DEADLINE_LABELS, official_required
from motcua.calendar.selectors import calendar_for
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.models import Dossier

PAGE_SIZE = 25


# --- queues ------------------------------------------------------------------------------------

QUEUE_TABS: tuple[tuple[str, Any], ...] = (
    ("to_receive", gettext_lazy("Online dossiers to receive")),
    ("my_tasks", gettext_lazy("My tasks")),
    ("unit", gettext_lazy("My unit's dossiers")),
    ("due_soon", gettext_lazy("Due within one working day")),
    ("overdue", gettext_lazy("Overdue")),
)


def _default_queue(user: Any) -> str:
    if user.has_role(Role.COUNTER_OFFICER):
        return "to_receive"
    if is_provincial_admin(user):
        return "unit"
    return "my_tasks"


@dataclass
class QueueRow:
    dossier: Dossier
    state: str

    @property
    def state_label(self) -> str:
        return str(DEADLINE_LABELS[self.state])


@official_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    keys = [key for key, _label in QUEUE_TABS]
    queue = request.GET.get("queue", "")
    if queue not in keys:
        queue = _default_queue(user)
    q = request.GET.get("q", "").strip()[:100]
    dossiers = dossier_selectors.dossier_list_for_official(user, queue=queue, q=q)
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    calendars: dict[int, Any] = {}  # one calendar per receiving unit, not one per row
    rows = []
    for d in page:
        if d.receiving_unit_id not in calendars:
            calendars[d.receiving_unit_id] = calendar_for(d.receiving_unit)
        rows.append(
            QueueRow(d, dossier_selectors.deadline_state(d, now, calendars[d.receiving_unit_id]))
        )
    tabs = [
        {
            "key": key,
            "label": label,
            "count": dossier_selectors.dossier_list_for_official(user, queue=key, q=q).count(),
            "query": urlencode({"queue": key, **({"q": q} if q else {})}),
        }
        for key, label in QUEUE_TABS
    ]
    context = {
        "queue": queue,
        "queue_label": dict(QUEUE_TABS)[queue],
        "q": q,
        "tabs": tabs,
        "page": page,
        "rows": rows,
        "page_query": urlencode({"queue": queue, **({"q": q} if q else {})}),
        "can_receive": selectors.intake_units_for(user).exists(),
        "book_units": selectors.tracking_book_units_for(user),
        "book_from": timezone.localdate().replace(day=1),
        "book_to": timezone.localdate(),
    }
    return render(request, "backoffice/home.html", context)
