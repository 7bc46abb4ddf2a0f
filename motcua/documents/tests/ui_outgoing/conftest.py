"""The outgoing pages' tests: the documents tests' world (an agency with a division, its
officials by role, another agency) on the site's URLs with the outgoing pages, and documents
at each step of their path."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest

from motcua.documents import numbering
from motcua.documents.enums import (
    Channel,
    DocumentType,
    OutgoingState,
    RegisterKind,
)
from motcua.documents.models import OutgoingDocument
from motcua.documents.services import outgoing as services
from motcua.documents.services.outgoing import FileInput, RecipientInput
from motcua.documents.tests.factories import World, world

URLCONF = "motcua.documents.tests.ui_outgoing.urls"
S = OutgoingState


@pytest.fixture(autouse=True)
def _outgoing_urls(settings: Any) -> None:
    settings.ROOT_URLCONF = URLCONF


@pytest.fixture
def w(db: Any) -> World:
    return world()


def draft(w: World, **kwargs: Any) -> OutgoingDocument:
    """A draft made through the service, as the drafter makes it."""
    values: dict[str, Any] = {
        "actor": w.drafter,
        "organisation": w.agency,
        "document_type": DocumentType.QUYET_DINH,
        "subject": "Về việc ban hành quy chế làm việc",
        "signer": w.signer,
        "reviewers": [w.reviewer],
        "recipients": [RecipientInput(organisation=w.other)],
        "file": FileInput("du-thao.docx", b"PK\x03\x04 draft"),
    }
    values.update(kwargs)
    return services.outgoing_create(**values)


_numbers = {"n": 0}


def at_state(w: World, state: str, **kwargs: Any) -> OutgoingDocument:
    """A document standing at `state` (rows written directly: the services that lead there
    are tested with the services; the pages only read the state)."""
    values: dict[str, Any] = {
        "organisation": w.agency,
        "drafting_unit": w.unit,
        "drafter": w.drafter,
        "signer": w.signer,
        "document_type": DocumentType.QUYET_DINH,
        "subject": f"Văn bản ở bước {state}",
        "state": state,
    }
    if state in (S.NUMBERED, S.SEALED, S.ISSUED, S.REVOKED, S.REPLACED):
        register = numbering.register_for(w.agency, RegisterKind.OUTGOING, secret=False)
        _numbers["n"] += 1
        values.update(
            register=register,
            year=2026,
            code_number=_numbers["n"],
            code_notation=f"QĐ-{register.notation}",
        )
    values.update(kwargs)
    reviewers = values.pop("reviewers", [])
    document = OutgoingDocument.objects.create(**values)
    document.reviewers.set(reviewers)
    document.recipients.create(name="Báo Cà Mau", channel=Channel.PAPER)
    # Made through the ORM, not the services: keep its search text as the services do.
    from motcua.documents.services.shell import search_text_refresh

    search_text_refresh(document)
    return document


def ids(response: Any) -> list[int]:
    """The documents a queue lists, in order."""
    return [int(x) for x in re.findall(r'<tr data-id="(\d+)"', response.content.decode())]


def text_of(response: Any) -> str:
    """The page's visible text inside <main>, tags dropped."""
    import html

    page = response.content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


@pytest.fixture
def signing_credentials(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A development PKI (EC keys: fast) trusted by verification, and a function giving a
    world's signer and agency their certificates."""
    from motcua.signatures.pki import DevPki, organisation_name, person_name
    from motcua.signatures.tests.conftest import register

    root = tmp_path_factory.mktemp("outgoing-pki")
    pki = DevPki(root, key_kind="ec-p256")
    pki.ca_ensure()
    pki.crl_ensure()
    pki.tsa_ensure()
    settings.MOTCUA_PKI_DIR = str(root)
    settings.MOTCUA_TRUST_ROOTS = [str(pki.ca_cert_path)]
    settings.MOTCUA_TRUST_CRLS = [str(pki.crl_path)]
    settings.MOTCUA_REVOCATION_FETCH = False
    settings.MOTCUA_TSA_URL = ""
    settings.MOTCUA_PUBLIC_BASE_URL = "https://dichvucong.camau.example"

    def give(w: World) -> SimpleNamespace:
        signer, _ = pki.identity_ensure(
            folder="officials",
            slug=f"outgoing-signer-{w.signer.pk}",
            subject=person_name(
                full_name=w.signer.full_name, organisation=w.agency.name, position="Chủ tịch"
            ),
            profile="person",
        )
        agency, _ = pki.identity_ensure(
            folder="organisations",
            slug=f"outgoing-agency-{w.agency.pk}",
            subject=organisation_name(name=w.agency.name, agency_code=w.agency.agency_code),
            profile="organisation",
        )
        register(signer, user=w.signer)
        register(agency, organisation=w.agency)
        return SimpleNamespace(signer=signer, agency=agency)

    return give
