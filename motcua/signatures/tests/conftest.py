"""Signature test fixtures: one development PKI per test session (keys are made once), a ward
with its service centre, its leader and clerk, and a dossier received at the centre."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from motcua.accounts.enums import Role
from motcua.accounts.tests.factories import OfficialFactory, OrgFactory, UserFactory
from motcua.organisations.enums import OrganisationKind
from motcua.signatures.enums import BackendKind
from motcua.signatures.pki import DevPki, Identity, organisation_name, person_name

WARD_NAME = "Ủy ban nhân dân phường An Xuyên"
LEADER_NAME = "Trương Văn Chủ Tịch"
LEADER_POSITION = "Phó Chủ tịch UBND phường"
CLERK_NAME = "Đỗ Thị Văn Thư"


@pytest.fixture(scope="session")
def dev_pki(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """A CA with its CRL and TSA, a leader's and the ward's certificates (EC P-256: fast), and
    a second, untrusted CA with a look-alike certificate of the same leader."""
    root = tmp_path_factory.mktemp("pki")
    pki = DevPki(root, key_kind="ec-p256")
    pki.ca_ensure()
    pki.crl_ensure()
    pki.tsa_ensure()
    leader, _ = pki.identity_ensure(
        folder="officials",
        slug="lead",
        subject=person_name(
            full_name=LEADER_NAME, organisation=WARD_NAME, position=LEADER_POSITION
        ),
        profile="person",
    )
    ward, _ = pki.identity_ensure(
        folder="organisations",
        slug="ward",
        subject=organisation_name(name=WARD_NAME, agency_code="000.00.20.H12"),
        profile="organisation",
    )
    rsa_leader, _ = DevPki(root, key_kind="rsa2048").identity_ensure(
        folder="officials",
        slug="lead-rsa",
        subject=person_name(
            full_name=LEADER_NAME, organisation=WARD_NAME, position=LEADER_POSITION
        ),
        profile="person",
    )
    rogue = DevPki(tmp_path_factory.mktemp("rogue-pki"), key_kind="ec-p256")
    rogue.ca_ensure()
    impostor, _ = rogue.identity_ensure(
        folder="officials",
        slug="lead",
        subject=person_name(
            full_name=LEADER_NAME, organisation=WARD_NAME, position=LEADER_POSITION
        ),
        profile="person",
    )
    return SimpleNamespace(
        pki=pki,
        root=root,
        leader=leader,
        rsa_leader=rsa_leader,
        ward=ward,
        impostor=impostor,
        rogue=rogue,
    )


@pytest.fixture(autouse=True)
def _signature_settings(settings, dev_pki):  # type: ignore[no-untyped-def]
    settings.MOTCUA_PKI_DIR = str(dev_pki.root)
    settings.MOTCUA_TRUST_ROOTS = [str(dev_pki.pki.ca_cert_path)]
    settings.MOTCUA_TRUST_CRLS = [str(dev_pki.pki.crl_path)]
    settings.MOTCUA_REVOCATION_FETCH = False
    settings.MOTCUA_TSA_URL = ""
    settings.MOTCUA_PUBLIC_BASE_URL = "https://dichvucong.camau.example"


@pytest.fixture(scope="session")
def plain_pdf() -> bytes:
    """A small A4 letter ending with the leader's position and name (no named destination:
    the signature goes above the name, found in the text)."""
    from weasyprint import HTML

    from motcua.dossiers.printing.pdf import FONT_DIR

    font = (FONT_DIR / "LiberationSerif-Regular.ttf").as_uri()
    html = f"""<html><head><style>
      @font-face {{ font-family: LS; src: url("{font}"); }}
      body {{ font-family: LS; font-size: 13pt; }}
      .sign {{ margin-left: 90mm; text-align: center; }}
    </style></head><body>
      <p>ỦY BAN NHÂN DÂN PHƯỜNG AN XUYÊN</p>
      <p>Thông báo thử nghiệm chữ ký số, tiếng Việt có dấu.</p>
      <div class="sign"><p>PHÓ CHỦ TỊCH</p><div style="height: 25mm"></div>
      <p>{LEADER_NAME}</p></div>
    </body></html>"""
    return bytes(HTML(string=html).write_pdf())


def register(identity: Identity, **owner) -> None:  # type: ignore[no-untyped-def]
    from motcua.signatures.services import signing_credential_register

    signing_credential_register(
        backend=BackendKind.PKCS12,
        location=str(identity.p12_path),
        secret_ref=f"file:{identity.password_path}",
        certificate_pem=identity.cert_path.read_text(),
        **owner,
    )


@pytest.fixture
def world(db, dev_pki):  # type: ignore[no-untyped-def]
    from motcua.dossiers.services import ApplicantInput, dossier_create
    from motcua.dossiers.tests.conftest import make_procedure

    province = OrgFactory(
        name="Ủy ban nhân dân tỉnh Cà Mau",
        kind=OrganisationKind.PROVINCE,
        agency_code="000.00.00.H12",
    )
    ward = OrgFactory(
        name=WARD_NAME, kind=OrganisationKind.COMMUNE, parent=province, agency_code="000.00.20.H12"
    )
    centre = OrgFactory(
        name="Trung tâm Phục vụ hành chính công phường An Xuyên",
        kind=OrganisationKind.SERVICE_CENTRE,
        parent=ward,
        agency_code="000.01.20.H12",
        runs_one_stop_desk=True,
    )
    other = OrgFactory(
        name="Ủy ban nhân dân phường Tân Thành",
        kind=OrganisationKind.COMMUNE,
        parent=province,
        agency_code="000.00.21.H12",
    )
    centre.desk_serves.set([ward])
    make_procedure(code="9.000001", implementing=[ward], receiving=[centre])
    w = SimpleNamespace(
        province=province,
        ward=ward,
        centre=centre,
        other=other,
        counter=OfficialFactory(
            username="counter", organisation=centre, roles=[Role.COUNTER_OFFICER]
        ),
        specialist=OfficialFactory(username="spec", organisation=ward, roles=[Role.SPECIALIST]),
        leader=OfficialFactory(
            username="lead",
            full_name=LEADER_NAME,
            position=LEADER_POSITION,
            organisation=ward,
            roles=[Role.LEADER],
        ),
        clerk=OfficialFactory(
            username="clerk", full_name=CLERK_NAME, organisation=ward, roles=[Role.CLERK]
        ),
        outsider=OfficialFactory(
            username="outsider", organisation=other, roles=[Role.LEADER, Role.CLERK]
        ),
        admin=OfficialFactory(
            username="padmin", organisation=province, roles=[Role.PROVINCIAL_ADMIN]
        ),
        citizen=UserFactory(username="citizen", email="citizen@example.com"),
        stranger=UserFactory(username="stranger"),
    )
    register(dev_pki.leader, user=w.leader)
    register(dev_pki.ward, organisation=ward)
    w.dossier = dossier_create(
        actor=w.citizen,
        procedure_code="9.000001",
        channel=2,
        receiving_unit=centre,
        applicant=ApplicantInput(
            full_name="Nguyễn Thị Hồng Đào", id_number="096188000123", email="dao@example.com"
        ),
    )
    from motcua.dossiers.services import dossier_receive

    w.dossier = dossier_receive(dossier=w.dossier, actor=w.counter)
    return w


def approve(w) -> None:  # type: ignore[no-untyped-def]
    """Move the world's dossier to its approved last step (the result may now be issued)."""
    from motcua.dossiers.services import dossier_approve, dossier_forward

    w.dossier = dossier_forward(dossier=w.dossier, actor=w.specialist)
    w.dossier = dossier_approve(dossier=w.dossier, actor=w.leader)


def issue(w, document) -> None:  # type: ignore[no-untyped-def]
    """Approve the dossier and let its leader issue the signed `document` (complete it)."""
    from motcua.signatures.services import result_issue

    approve(w)
    w.dossier = result_issue(document=document, actor=w.leader)


def pdf_pages(data: bytes) -> int:
    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def read(path: Path) -> bytes:
    return Path(path).read_bytes()
