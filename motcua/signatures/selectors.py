"""Reads of signed documents."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.dossiers.models import Dossier
from motcua.signatures.enums import DocumentKind, DocumentState
from motcua.signatures.models import DocumentRevision, SignedDocument


def signed_document_get_by_code(code: str) -> SignedDocument:
    document = (
        SignedDocument.objects.select_related(
            "organisation", "dossier", "parent", "replaced_by", "signer"
        )
        .filter(verification_code=code.strip().upper())
        .first()
    )
    if document is None:
        raise NotFound(_("No document has this verification code."), fields={"code": code})
    return document


def signed_document_get_released_result(dossier: Dossier) -> SignedDocument | None:
    """The dossier's released result (the latest, if several were released)."""
    return (
        SignedDocument.objects.filter(
            dossier=dossier, kind=DocumentKind.RESULT, state=DocumentState.RELEASED
        )
        .order_by("-released_at", "-id")
        .first()
    )


LIVE_STATES = (
    DocumentState.DRAFT,
    DocumentState.PERSON_SIGNED,
    DocumentState.ORG_SIGNED,
    DocumentState.RELEASED,
)


def signed_document_result_number(dossier: Dossier) -> str:
    """The number of the dossier's result in progress or issued ("" when there is none): the
    number the dossier is completed with (given once, when the result was prepared)."""
    document = (
        SignedDocument.objects.filter(dossier=dossier, kind=DocumentKind.RESULT)
        .filter(state__in=LIVE_STATES)
        .order_by("-created_at", "-id")
        .first()
    )
    return document.number_notation if document is not None else ""


def signed_document_list_for_dossier(dossier: Dossier) -> QuerySet[SignedDocument]:
    return SignedDocument.objects.filter(dossier=dossier).select_related("organisation")


def document_revision_find_by_sha256(sha256: str) -> DocumentRevision | None:
    """The issued revision a file is an exact copy of, if any."""
    return (
        DocumentRevision.objects.select_related("document", "document__organisation")
        .filter(sha256=sha256.lower())
        .order_by("-number")
        .first()
    )
