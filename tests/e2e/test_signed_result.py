"""The signed electronic result, end to end in the browser (DOMAIN §3, §10): the ward's leader
prepares and signs the result, its clerk applies the organisation's signature and releases it,
the applicant downloads it from the portal and checks it on the public verification page; a
tampered copy is flagged.

The world is the signatures tests' (a ward with its service centre, leader, clerk, a citizen's
dossier) with a development PKI in a temporary MOTCUA_PKI_DIR. Screenshots:
artifacts/e2e/signing-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from motcua.dossiers import services as dossier_services
from motcua.dossiers.enums import DossierStatus
from motcua.signatures.models import SignedDocument
from motcua.signatures.tests import conftest as signatures_conftest
from tests.e2e.conftest import ARTIFACTS, login

pytestmark = pytest.mark.browser

# The signatures tests' world (it replaces the e2e one here) and its development PKI, in a
# temporary MOTCUA_PKI_DIR trusted by verification (_signature_settings).
dev_pki = signatures_conftest.dev_pki
world = signatures_conftest.world
_signature_settings = signatures_conftest._signature_settings

PANEL = "section#signatures.signing"  # the panel once htmx has loaded it
RESULT = "li.signed-document[data-kind='result']"


class Shots:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, page: Any, name: str) -> None:
        self.n += 1
        page.screenshot(path=str(ARTIFACTS / f"signing-{self.n:02d}-{name}.png"), full_page=True)


def tampered(data: bytes) -> bytes:
    """Flip a byte in the middle of the file, outside the signatures' own /Contents strings
    (so that it falls in what the signatures cover)."""
    holes = []
    for match in re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data):
        start, length, resume, _rest = (int(v) for v in match.groups())
        holes.append((start + length, resume))
    position = len(data) // 2
    while any(a <= position < b for a, b in holes):
        position += 1
    out = bytearray(data)
    out[position] ^= 0xFF
    return bytes(out)


def office_open(page: Any, code: str) -> Any:
    page.goto(f"/office/dossiers/{code}/")
    page.locator(PANEL).wait_for()
    return page.locator(PANEL)


def office_click(page: Any, code: str, action: str) -> None:
    """Click a document's signing button: its confirmation page opens; confirm."""
    office_open(page, code).locator(f"{RESULT} [data-action='{action}']").click()
    page.wait_for_load_state()
    assert page.locator("#confirm").get_attribute("data-action") == action
    page.click("#confirm-yes")
    page.wait_for_load_state()


def verify(page: Any, name: str, content: bytes) -> Any:
    page.goto("/signatures/verify/")
    page.set_input_files(
        "input[name=file]", {"name": name, "mimeType": "application/pdf", "buffer": content}
    )
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page.locator("section.verdict")


def test_signed_result_downloaded_and_verified(new_page: Any, world: Any, tmp_path: Path) -> None:
    # given: the dossier processed at the ward up to "result ready"
    w = world
    d = dossier_services.dossier_forward(dossier=w.dossier, actor=w.specialist)
    d = dossier_services.dossier_approve(dossier=d, actor=w.leader)
    d = dossier_services.dossier_complete(dossier=d, actor=w.leader, result_number="9/GP-UBND")
    assert d.status == DossierStatus.RESULT_READY
    code = d.code
    shot = Shots()

    # 1. The leader prepares the result from the template and signs it.
    leader = new_page()
    login(leader, w.leader.username)
    panel = office_open(leader, code)
    # the result path's first step: the preparation form is open already
    assert panel.locator("#signing-new-result").get_attribute("open") is not None
    panel.locator("[name='result-title']").fill("Giấy phép thử nghiệm đặc biệt")
    panel.locator("[name='result-number_notation']").fill("9/GP-UBND")
    panel.locator("[name='result-paragraphs']").fill(
        "Cấp giấy phép cho bà Nguyễn Thị Hồng Đào.\nGiấy phép có hiệu lực kể từ ngày ký."
    )
    shot(leader, "leader-prepare")
    panel.locator("[data-action='new-result']").click()
    leader.wait_for_load_state()
    assert office_open(leader, code).locator(RESULT).get_attribute("data-state") == "draft"
    office_click(leader, code, "sign-personal")
    result = office_open(leader, code).locator(RESULT)
    assert result.get_attribute("data-state") == "person_signed"
    assert result.locator("[data-action='release']").count() == 0  # the clerk's
    assert result.locator("[data-role='qr'] svg").count() == 1
    shot(leader, "leader-signed")

    # 2. The clerk applies the organisation's signature and releases the result.
    clerk = new_page()
    login(clerk, w.clerk.username)
    office_click(clerk, code, "sign-organisation")
    assert office_open(clerk, code).locator(RESULT).get_attribute("data-state") == "org_signed"
    office_click(clerk, code, "release")
    result = office_open(clerk, code).locator(RESULT)
    assert result.get_attribute("data-state") == "released"
    shot(clerk, "clerk-released")
    document = SignedDocument.objects.get(dossier=d, kind="result")
    verification_link = result.locator("[data-role='verify-link']").get_attribute("href")
    assert verification_link == f"/signatures/v/{document.verification_code}/"

    # 3. The citizen receives the result online and downloads the signed PDF.
    citizen = new_page()
    login(citizen, w.citizen.username)
    citizen.goto(f"/my/dossiers/{code}/")
    citizen.click("#receive-online")
    citizen.wait_for_load_state()
    with citizen.expect_download() as download_info:
        citizen.click("#signed-result-link")
    download = download_info.value
    saved = tmp_path / (download.suggested_filename or "result.pdf")
    download.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith(b"%PDF")
    assert saved.suffix == ".pdf"
    shot(citizen, "citizen-dossier")

    # 4. … uploads it to the verification page: valid, two signatures.
    verdict = verify(citizen, saved.name, content)
    assert "verdict-valid" in (verdict.get_attribute("class") or "")
    assert citizen.locator("main section.card:has(dl.facts)").count() == 2
    shot(citizen, "verify-valid")

    # 5. A tampered copy is flagged.
    verdict = verify(citizen, "tampered.pdf", tampered(content))
    assert "verdict-invalid" in (verdict.get_attribute("class") or "")
    shot(citizen, "verify-tampered")

    # The QR code's page says what the issuer says about it now.
    citizen.goto(verification_link)
    assert "verdict-valid" in (citizen.locator("section.verdict").get_attribute("class") or "")
    shot(citizen, "verification-page")


def _path_step(page: Any) -> str:
    return page.locator("#result-path").get_attribute("data-current") or ""


def _follow_path(page: Any, code: str, shoot: Any, name: str) -> None:
    """Click the result path's button, look at the confirmation page, confirm."""
    office_open(page, code)
    page.click("#path-action")
    page.wait_for_load_state()
    shoot(page, f"{name}-confirm")
    page.click("#confirm-yes")
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_leader_walks_the_result_path(new_page: Any, world: Any, viewport: str) -> None:
    """A commune's leader who is also its clerk (as in many communes) takes a birth
    registration from approval to the released extract, guided by the result path."""
    from motcua.accounts.enums import Role
    from motcua.accounts.services import official_set_roles
    from motcua.dossiers.services import ApplicantInput, dossier_create, dossier_receive
    from motcua.dossiers.tests.conftest import make_procedure
    from tests.e2e.conftest import DESKTOP, PHONE

    # given: an approved birth-registration dossier
    w = world
    official_set_roles(user=w.leader, roles=[Role.LEADER, Role.CLERK])
    make_procedure(code="1.001193", implementing=[w.ward], receiving=[w.centre])
    dossier = dossier_create(
        actor=w.citizen,
        procedure_code="1.001193",
        channel=2,
        receiving_unit=w.centre,
        applicant=ApplicantInput(
            full_name="Nguyễn Thị Hồng Đào", id_number="096188000123", email="dao@example.com"
        ),
    )
    w.dossier = dossier_receive(dossier=dossier, actor=w.counter)
    signatures_conftest.approve(w)
    code = w.dossier.code
    shots = Shots()

    def shoot(page: Any, name: str) -> None:
        shots(page, f"path-{viewport}-{name}")

    leader = new_page(viewport=PHONE if viewport == "phone" else DESKTOP)
    login(leader, w.leader.username)
    # 1. prepare: the path opens on its first step, the extract's own form open below it
    office_open(leader, code)
    assert _path_step(leader) == "prepare"
    shoot(leader, "prepare")
    panel = leader.locator(PANEL)
    panel.locator("[name='result-number_notation']").fill("25/TLKS")
    panel.locator("[name='result-detail_full_name']").fill("Nguyễn Minh Khôi")
    panel.locator("[name='result-detail_birth_date']").fill("15/03/2026")
    panel.locator("[name='result-detail_birth_place']").fill("Bệnh viện Sản - Nhi Cà Mau")
    panel.locator("[name='result-detail_mother_name']").fill("Nguyễn Thị Hồng Đào")
    panel.locator("[data-action='new-result']").click()
    leader.wait_for_load_state()
    # 2.–5. sign, apply the organisation's signature, issue, release: each confirmed
    for step in ("sign_personal", "sign_organisation", "issue", "release"):
        office_open(leader, code)
        assert _path_step(leader) == step
        assert leader.locator("#path-next").inner_text()
        shoot(leader, step)
        _follow_path(leader, code, shoot, step)
    # then: every step done, the dossier completed with the extract's number
    office_open(leader, code)
    assert _path_step(leader) == ""
    shoot(leader, "done")
    w.dossier.refresh_from_db()
    assert (w.dossier.status, w.dossier.result_number) == (DossierStatus.RESULT_READY, "25/TLKS")
    assert SignedDocument.objects.get(dossier=w.dossier).state == "released"
