"""The online submission wizard: drafts, uploads, the one-time submit, the confirmation."""

from __future__ import annotations

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from motcua.accounts.models import Profile
from motcua.core.errors import Conflict
from motcua.dossiers import drafts
from motcua.dossiers.draft_models import Draft, DraftFile, DraftStatus
from motcua.dossiers.enums import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.feedback.tests.factories import PDF, PNG
from motcua.procedures.models import ProcedureCase, RequiredPaper

pytestmark = pytest.mark.django_db


def start(client, world) -> Draft:
    response = client.post(f"/procedures/{world.version.procedure.code}/submit/")
    assert response.status_code == 302, response.content[:500]
    return Draft.objects.get(user=world.citizen, status="open")


def papers(world) -> list[RequiredPaper]:
    return list(RequiredPaper.objects.filter(case__version=world.version).order_by("order"))


def upload(client, draft, paper, name, content):
    return client.post(
        f"/my/drafts/{draft.pk}/papers/",
        {"paper": paper.pk, "file": SimpleUploadedFile(name, content)},
    )


APPLICANT = {
    "kind": "individual",
    "full_name": "Nguyễn Văn A",
    "id_number": "096188000999",
    "phone": "0912000111",
}


def complete_draft(client, world) -> Draft:
    draft = start(client, world)
    client.post(f"/my/drafts/{draft.pk}/applicant/", APPLICANT)
    one, two = papers(world)
    assert upload(client, draft, one, "don.pdf", PDF).status_code == 302
    assert upload(client, draft, two, "cccd.png", PNG).status_code == 302
    draft.refresh_from_db()
    return draft


def test_start_page_asks_anonymous_visitors_to_log_in(client, world):
    url = f"/procedures/{world.version.procedure.code}/submit/"
    page = client.get(url).content.decode()
    assert f'href="/accounts/login/?next={url}"' in page
    assert client.post(url)["Location"].startswith("/accounts/login/")


def test_officials_cannot_submit_online(client, world):
    client.force_login(world.counter)
    assert client.post(f"/procedures/{world.version.procedure.code}/submit/").status_code == 403


def test_the_whole_wizard(citizen_client, world, django_capture_on_commit_callbacks):
    # given: a profile that prefills the applicant
    Profile.objects.create(user=world.citizen, address="Phường 7, Cà Mau")
    world.citizen.id_number = "096188000999"
    world.citizen.save()
    # when: start (one case and one receiving unit: both chosen for the applicant)
    draft = start(citizen_client, world)
    assert draft.case_code == "TH1" and draft.receiving_unit == world.desk
    applicant_page = citizen_client.get(f"/my/drafts/{draft.pk}/applicant/").content.decode()
    assert 'value="096188000999"' in applicant_page and 'value="Phường 7, Cà Mau"' in applicant_page
    response = citizen_client.post(
        f"/my/drafts/{draft.pk}/applicant/",
        {
            "kind": "individual",
            "full_name": "Nguyễn Văn A",
            "id_number": "096188000999",
            "phone": "0912000111",
            "email": "",
            "address": "Phường 7, Cà Mau",
        },
    )
    assert response["Location"] == f"/my/drafts/{draft.pk}/papers/"
    # continuing without papers says what is missing
    missing = citizen_client.get(f"/my/drafts/{draft.pk}/papers/", {"continue": "1"})
    assert missing.status_code == 422 and "Đơn đề nghị" in missing.content.decode()
    one, two = papers(world)
    upload(citizen_client, draft, one, "don.pdf", PDF)
    upload(citizen_client, draft, two, "cccd.png", PNG)
    assert citizen_client.get(f"/my/drafts/{draft.pk}/papers/", {"continue": "1"})[
        "Location"
    ].endswith("/check/")
    check = citizen_client.get(f"/my/drafts/{draft.pk}/check/").content.decode()
    assert "Nguyễn Văn A" in check and "don.pdf" in check and "cccd.png" in check
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = citizen_client.post(
            f"/my/drafts/{draft.pk}/submit/", {"token": draft.submit_token}
        )
    # then: a dossier waiting for acceptance, with both papers
    dossier = Dossier.objects.get()
    assert submitted["Location"] == f"/my/dossiers/{dossier.code}/submitted/"
    assert dossier.status == DossierStatus.SUBMITTED and dossier.channel == 2
    assert dossier.owner == world.citizen and dossier.applicant.full_name == "Nguyễn Văn A"
    assert sorted(dossier.components.values_list("original_filename", flat=True)) == [
        "cccd.png",
        "don.pdf",
    ]
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED and draft.dossier == dossier
    assert not DraftFile.objects.filter(draft=draft).exists()
    confirmation = citizen_client.get(submitted["Location"]).content.decode()
    assert dossier.code in confirmation and "<svg" in confirmation
    assert "waiting for acceptance" in confirmation
    assert f"/tracking/{dossier.code}" in confirmation
    assert f"/my/dossiers/{dossier.code}/submission-receipt/" in confirmation
    receipt = citizen_client.get(
        f"/my/dossiers/{dossier.code}/submission-receipt/"
    ).content.decode()
    assert "Acknowledgement of an online submission" in receipt and "don.pdf" in receipt


def test_a_double_submit_creates_one_dossier_and_shows_the_same_confirmation(citizen_client, world):
    draft = complete_draft(citizen_client, world)
    first = citizen_client.post(f"/my/drafts/{draft.pk}/submit/", {"token": draft.submit_token})
    again = citizen_client.post(f"/my/drafts/{draft.pk}/submit/", {"token": draft.submit_token})
    assert Dossier.objects.count() == 1
    assert first["Location"] == again["Location"]
    assert citizen_client.get(f"/my/drafts/{draft.pk}/check/")["Location"] == first["Location"]


def test_a_stale_token_submits_nothing(citizen_client, world):
    draft = complete_draft(citizen_client, world)
    response = citizen_client.post(f"/my/drafts/{draft.pk}/submit/", {"token": "forged"})
    assert response.status_code == 302 and Dossier.objects.count() == 0


def test_an_incomplete_draft_is_not_submitted(citizen_client, world):
    draft = start(citizen_client, world)
    response = citizen_client.post(f"/my/drafts/{draft.pk}/submit/", {"token": draft.submit_token})
    assert response.status_code == 422 and Dossier.objects.count() == 0
    assert 'id="error-summary"' in response.content.decode()


def test_wrong_type_and_too_large_are_refused_and_the_other_papers_kept(
    citizen_client, world, settings
):
    # given: the first paper uploaded
    settings.MOTCUA_UPLOAD_MAX_BYTES = 1024
    draft = start(citizen_client, world)
    one, two = papers(world)
    upload(citizen_client, draft, one, "don.pdf", PDF)
    # when: a text file, then a too large PDF for the second paper
    wrong = upload(citizen_client, draft, two, "notes.pdf", b"just text, not a PDF")
    large = upload(citizen_client, draft, two, "big.pdf", PDF + b"0" * 2048)
    # then
    for response, message in (
        (wrong, "not a file type we accept"),
        (large, "the largest file accepted"),
    ):
        html = response.content.decode()
        assert response.status_code == 422
        assert message in html and 'id="error-summary"' in html
        assert f'href="#id_p{two.pk}_file"' in html
        assert "don.pdf" in html  # the first paper stays uploaded
    assert list(DraftFile.objects.filter(draft=draft).values_list("paper_id", flat=True)) == [
        one.pk
    ]


def test_replace_and_remove_a_paper(citizen_client, world):
    draft = start(citizen_client, world)
    one, _two = papers(world)
    upload(citizen_client, draft, one, "v1.pdf", PDF)
    upload(citizen_client, draft, one, "v2.pdf", PDF + b"%v2")
    staged = DraftFile.objects.get(draft=draft)
    assert staged.original_filename == "v2.pdf"
    citizen_client.post(f"/my/drafts/{draft.pk}/papers/{staged.pk}/remove/")
    assert not DraftFile.objects.filter(draft=draft).exists()


def test_drafts_are_resumed_from_my_dossiers_and_can_be_deleted(citizen_client, world):
    draft = start(citizen_client, world)
    assert start(citizen_client, world).pk == draft.pk  # the same draft, not a second one
    page = citizen_client.get("/my/dossiers/").content.decode()
    assert f"/my/drafts/{draft.pk}/" in page
    assert (
        citizen_client.get(f"/my/drafts/{draft.pk}/")["Location"]
        == f"/my/drafts/{draft.pk}/applicant/"
    )
    # deleting asks first: a tap on "delete" (or a POST without the confirmation) only asks
    assert (
        "Delete this draft?"
        in citizen_client.get(f"/my/drafts/{draft.pk}/delete/").content.decode()
    )
    citizen_client.post(f"/my/drafts/{draft.pk}/delete/")
    assert Draft.objects.filter(pk=draft.pk).exists()
    citizen_client.post(f"/my/drafts/{draft.pk}/delete/", {"confirm": "yes"})
    assert not Draft.objects.filter(pk=draft.pk).exists()


def test_somebody_elses_draft_is_not_found(client, world):
    draft = drafts.draft_start(user=world.citizen, procedure_code=world.version.procedure.code)
    from motcua.accounts.tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(f"/my/drafts/{draft.pk}/check/").status_code == 404


def test_case_choice_when_the_procedure_has_several(citizen_client, world):
    second = ProcedureCase.objects.create(
        version=world.version, code="TH2", name="Cấp lại", order=2
    )
    RequiredPaper.objects.create(case=second, code="GT9", name="Giấy phép cũ")
    draft = start(citizen_client, world)
    assert draft.case_code == ""
    page = citizen_client.get(f"/my/drafts/{draft.pk}/case/").content.decode()
    assert "Cấp lại" in page and "<legend>" in page
    bad = citizen_client.post(
        f"/my/drafts/{draft.pk}/case/", {"receiving_unit": world.desk.agency_code}
    )
    assert bad.status_code == 422 and 'href="#id_case"' in bad.content.decode()
    citizen_client.post(
        f"/my/drafts/{draft.pk}/case/", {"case": "TH2", "receiving_unit": world.desk.agency_code}
    )
    draft.refresh_from_db()
    assert draft.case_code == "TH2"
    assert [p.name for p in drafts.draft_papers(draft)] == ["Giấy phép cũ"]


def test_staged_draft_submit_is_atomic_against_the_service(world):
    draft = drafts.draft_start(user=world.citizen, procedure_code=world.version.procedure.code)
    drafts.draft_set_applicant(draft=draft, user=world.citizen, data=APPLICANT)
    for paper, name, content in zip(papers(world), ("a.pdf", "b.png"), (PDF, PNG), strict=True):
        drafts.draft_attach(
            draft=draft,
            user=world.citizen,
            paper_id=paper.pk,
            upload=SimpleUploadedFile(name, content),
        )
    draft.refresh_from_db()
    with pytest.raises(Conflict):
        drafts.draft_submit(draft_id=draft.pk, user=world.citizen, token="nope")
    d1 = drafts.draft_submit(draft_id=draft.pk, user=world.citizen, token=draft.submit_token)
    d2 = drafts.draft_submit(draft_id=draft.pk, user=world.citizen, token=draft.submit_token)
    assert d1.pk == d2.pk and Dossier.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_create_one_dossier(world):
    # given: a complete draft
    draft = drafts.draft_start(user=world.citizen, procedure_code=world.version.procedure.code)
    drafts.draft_set_applicant(draft=draft, user=world.citizen, data=APPLICANT)
    for paper, name, content in zip(papers(world), ("a.pdf", "b.png"), (PDF, PNG), strict=True):
        drafts.draft_attach(
            draft=draft,
            user=world.citizen,
            paper_id=paper.pk,
            upload=SimpleUploadedFile(name, content),
        )
    draft.refresh_from_db()
    barrier = threading.Barrier(4)
    codes: list[str] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            barrier.wait()
            codes.append(
                drafts.draft_submit(
                    draft_id=draft.pk, user=world.citizen, token=draft.submit_token
                ).code
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    # when: four submits at once
    threads = [threading.Thread(target=submit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then
    assert not errors
    assert Dossier.objects.count() == 1 and len(set(codes)) == 1 and len(codes) == 4
