"""The result path after approval (DOMAIN §3, §8, §10): which of its steps are done and which
comes now. Pure: no ORM, no I/O; the back office draws it and offers the current step's button.

    prepare ──▶ the leader signs ──▶ the organisation signs ──▶ issue (complete) ──▶ release

A dossier completed before its electronic result was prepared (a paper result, or the generic
"complete" action) has its issue step done already; the result is still released after both
signatures. Release never comes before the dossier's completion (services.result_release).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.enums import DossierStatus
from motcua.signatures.enums import DocumentState


class PathStep(models.TextChoices):
    PREPARE = "prepare", _("Prepare the result")
    SIGN_PERSONAL = "sign_personal", _("The leader signs")
    SIGN_ORGANISATION = "sign_organisation", _("The organisation signs")
    ISSUE = "issue", _("Issue the result (complete the dossier)")
    RELEASE = "release", _("Release to the applicant")


PERSON_SIGNED = frozenset(
    {DocumentState.PERSON_SIGNED, DocumentState.ORG_SIGNED, DocumentState.RELEASED}
)
ORG_SIGNED = frozenset({DocumentState.ORG_SIGNED, DocumentState.RELEASED})
COMPLETED = frozenset({DossierStatus.RESULT_READY, DossierStatus.DELIVERED})

# What the step asks of the official, and what follows it.
HINTS: dict[str, Promise] = {
    PathStep.PREPARE: _(
        "Fill in the result and its number: the number is printed on it and the dossier is "
        "completed with it, so it is not asked again."
    ),
    PathStep.SIGN_PERSONAL: _("The leader checks the result and signs it with a personal key."),
    PathStep.SIGN_ORGANISATION: _(
        "The clerk applies the organisation's digital signature: its seal over the left third "
        "of the leader's signature."
    ),
    PathStep.ISSUE: _(
        "The dossier is completed with the number of the signed result (“result ready”)."
    ),
    PathStep.RELEASE: _(
        "The applicant can then download the signed result and is told so; hand it over at the "
        "desk or online."
    ),
}
NEXT: dict[str, Promise] = {
    PathStep.PREPARE: _("Next: the leader signs the result."),
    PathStep.SIGN_PERSONAL: _("Next: the clerk applies the organisation's signature."),
    PathStep.SIGN_ORGANISATION: _("Next: the result is issued and the dossier completed."),
    PathStep.ISSUE: _("Next: the result is released to the applicant."),
    PathStep.RELEASE: _("Last step: after it the applicant can download the signed result."),
}
DONE = _("The result has been issued and released: the applicant can download it.")


@dataclass(frozen=True)
class StepView:
    key: str
    label: str
    done: bool
    current: bool


@dataclass(frozen=True)
class ResultPath:
    steps: tuple[StepView, ...]
    current: str  # "" when every step is done

    @property
    def hint(self) -> str:
        return str(HINTS[self.current]) if self.current else ""

    @property
    def next(self) -> str:
        return str(NEXT[self.current]) if self.current else str(DONE)

    @property
    def number(self) -> int:
        """The current step's position (1-based), 0 when all are done."""
        keys = [s.key for s in self.steps]
        return keys.index(self.current) + 1 if self.current else 0


def result_path(*, document_state: str | None, dossier_status: str) -> ResultPath:
    """The path of a dossier whose live result (none yet: None) is in `document_state`."""
    done = {
        PathStep.PREPARE: document_state is not None,
        PathStep.SIGN_PERSONAL: document_state in PERSON_SIGNED,
        PathStep.SIGN_ORGANISATION: document_state in ORG_SIGNED,
        PathStep.ISSUE: dossier_status in COMPLETED,
        PathStep.RELEASE: document_state == DocumentState.RELEASED,
    }
    current = next((str(step) for step in PathStep if not done[step]), "")
    return ResultPath(
        steps=tuple(
            StepView(key=str(step), label=str(step.label), done=done[step], current=step == current)
            for step in PathStep
        ),
        current=current,
    )
