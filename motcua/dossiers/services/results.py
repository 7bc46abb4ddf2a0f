"""The signed electronic result released to the applicant (called by the signatures app)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.dossiers import transitions
from motcua.dossiers.enums import Action, ComponentKind
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.dossiers.services.shell import Actor, _begin, _event, _label


@transaction.atomic
def dossier_release_result(
    *,
    dossier: Dossier,
    actor: Actor,
    document_code: str,
    at: dt.datetime | None = None,
    trusted: bool = False,
    notify: bool = True,
) -> Dossier:
    """The signed electronic result can now be downloaded by the applicant (called by
    motcua.signatures.services.result_release). A timeline event; the status does not change
    (the transition table's target: the same). The dossier gains a result paper, "electronic",
    naming the signed document: the dossier has an electronic result (form 06a's and index
    766's indicator 4.1 count it, as they count an uploaded result file)."""
    dossier, ctx = _begin(
        dossier, actor, Action.RELEASE_RESULT, at=at, trusted=trusted, notify=notify
    )
    before = dossier.status
    dossier.status = transitions.target(before, Action.RELEASE_RESULT)
    event = _event(
        dossier,
        Action.RELEASE_RESULT,
        ctx,
        from_status=before,
        data={"signed_document": document_code},
    )
    DossierComponent.objects.create(
        dossier=dossier,
        kind=ComponentKind.RESULT,
        name=_label(_("Electronic result, digitally signed (%(code)s)")) % {"code": document_code},
        digitised=True,
        event=event,
    )
    return dossier


def dossier_result_released(*, dossier_id: int, actor: Actor, document_code: str) -> Dossier:
    """The name the signatures app calls: `dossier_release_result` of that dossier."""
    return dossier_release_result(
        dossier=Dossier(pk=dossier_id), actor=actor, document_code=document_code
    )
