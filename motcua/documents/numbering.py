"""Numbers and notations (Decree 30 Annex I): per issuing agency, register and year.

`take()` locks the one counter row of the register's year and increments it inside the
caller's transaction: the document and its number commit together, so a rolled-back
transaction gives its number back (no gap) and two transactions never get the same number (no
duplicate; a unique constraint on the documents stands behind it).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.documents.enums import ABBREVIATIONS, DocumentType, RegisterKind
from motcua.documents.models import Register, RegisterCounter
from motcua.organisations.models import Organisation

DEFAULT_NAMES: dict[tuple[str, bool], str] = {
    (RegisterKind.OUTGOING, False): "Sổ đăng ký văn bản đi",
    (RegisterKind.OUTGOING, True): "Sổ đăng ký văn bản đi (mật)",
    (RegisterKind.INCOMING, False): "Sổ đăng ký văn bản đến",
    (RegisterKind.INCOMING, True): "Sổ đăng ký văn bản đến (mật)",
}


def agency_abbreviation(organisation: Organisation) -> str:
    """ "UBND" for the notation: the short name without spaces, else the initials."""
    short = "".join((organisation.short_name or "").split())
    if short:
        return short[:32]
    words = [w for w in organisation.name.split() if w[:1].isalpha()]
    return "".join(w[0].upper() for w in words)[:32] or "CQ"


def register_for(
    organisation: Organisation, kind: str, *, secret: bool, document_type: str = ""
) -> Register:
    """The register a document is numbered in: the agency's active register of that kind and
    secrecy naming the type, else the general one (created with the default name if none)."""
    registers = list(
        Register.objects.filter(organisation=organisation, kind=kind, secret=secret, active=True)
    )
    for register in registers:
        if document_type and document_type in (register.document_types or []):
            return register
    for register in registers:
        if not register.document_types:
            return register
    name = DEFAULT_NAMES[(kind, secret)]
    try:
        with transaction.atomic():
            register, _created = Register.objects.get_or_create(
                organisation=organisation,
                kind=kind,
                name=name,
                defaults={"secret": secret, "notation": agency_abbreviation(organisation)},
            )
    except IntegrityError:
        register = Register.objects.get(organisation=organisation, kind=kind, name=name)
    return register


def take(register: Register, year: int) -> int:
    """The next number of `register` in `year` (restarting at 1 each 1 January)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers are taken inside the transaction that stores them")
    try:
        with transaction.atomic():
            RegisterCounter.objects.get_or_create(register=register, year=year)
    except IntegrityError:
        pass  # another transaction created it first
    counter = RegisterCounter.objects.select_for_update().get(register=register, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def outgoing_notation(register: Register, document_type: str, unit_abbreviation: str = "") -> str:
    """ "QĐ-UBND" for a decision; "UBND-VX" for a công văn of the VX unit (Decree 30)."""
    agency = register.notation or agency_abbreviation(register.organisation)
    if document_type in (DocumentType.CONG_VAN, DocumentType.THU_CONG):
        return f"{agency}-{unit_abbreviation}" if unit_abbreviation else agency
    abbreviation = ABBREVIATIONS.get(document_type)
    if abbreviation is None:
        raise ValueError(_("This document type has no abbreviation."))
    return f"{abbreviation}-{agency}"
