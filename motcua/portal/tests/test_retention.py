"""What the portal removes once it is of no use: abandoned drafts and their staged files, files
left behind by deleted or submitted drafts, expired verification codes, registrations never
verified (`dossiers.retention.drafts_purge`, `accounts.retention`, `manage.py purge_drafts`)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import threading
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from motcua.accounts import citizens
from motcua.accounts import retention as account_retention
from motcua.accounts.models import Profile, User, VerificationCode
from motcua.core.audit_models import AuditRecord
from motcua.dossiers import drafts
from motcua.dossiers import retention as dossier_retention
from motcua.dossiers.draft_models import Draft, DraftFile, DraftStatus
from motcua.dossiers.models import Applicant, Dossier
from motcua.dossiers.tests.conftest import vn
from motcua.feedback.tests.factories import PDF, PNG
from motcua.portal import selectors
from motcua.procedures.models import RequiredPaper

pytestmark = pytest.mark.django_db

DAYS_30 = dt.timedelta(days=30)
# Where the service is given `now`: fixed times. Where it reads the clock (or a file's age
# matters): times relative to it, `days_ago`.
NOW = vn(2027, 4, 15, 2, 0)  # the nightly run
LONG_AGO = vn(2027, 3, 1, 9, 0)  # 45 days before
LATELY = vn(2027, 4, 1, 9, 0)  # 14 days before


def days_ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


APPLICANT = {
    "kind": "individual",
    "full_name": "Nguyễn Văn A",
    "id_number": "096188000999",
    "phone": "0912000111",
}


def papers(world) -> list[RequiredPaper]:
    return list(RequiredPaper.objects.filter(case__version=world.version).order_by("order"))


def on_disk(name: str) -> Path:
    return Path(default_storage.path(name))


def make_draft(world, *, updated_at: dt.datetime, files: int = 1) -> Draft:
    """An open draft of the citizen with `files` staged papers, last updated at `updated_at`."""
    draft = Draft.objects.create(
        user=world.citizen,
        procedure=world.version.procedure,
        case_code="TH1",
        receiving_unit=world.desk,
        applicant=APPLICANT,
    )
    for paper, (name, content) in zip(
        papers(world), [("don.pdf", PDF), ("cccd.png", PNG)][:files], strict=False
    ):
        drafts.draft_attach(
            draft=draft,
            user=world.citizen,
            paper_id=paper.pk,
            upload=SimpleUploadedFile(name, content),
        )
    Draft.objects.filter(pk=draft.pk).update(updated_at=updated_at)
    draft.refresh_from_db()
    return draft


def staged_names(draft: Draft) -> list[str]:
    return [f.file.name for f in DraftFile.objects.filter(draft=draft)]


def leave_behind(folder: str, filename: str, content: bytes, *, modified: dt.datetime) -> str:
    """A file in a draft's folder that no row names (a deletion that failed, a stopped process)."""
    name = default_storage.save(f"portal/drafts/{folder}/{filename}", ContentFile(content))
    stamp = modified.timestamp()
    os.utime(on_disk(name), (stamp, stamp))
    return name


def purge_audits() -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action="portal_drafts_purge").order_by("id"))


# --- open drafts -------------------------------------------------------------------------------


def test_old_open_drafts_and_their_files_go_after_commit_recent_ones_stay(
    world, django_capture_on_commit_callbacks
):
    # given: a draft untouched for 45 days (two papers) and one updated 14 days ago
    old = make_draft(world, updated_at=LONG_AGO, files=2)
    recent = make_draft(world, updated_at=LATELY)
    old_files, recent_files = staged_names(old), staged_names(recent)
    assert len(old_files) == 2 and all(on_disk(n).exists() for n in old_files + recent_files)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        result = dossier_retention.drafts_purge(older_than=DAYS_30, now=NOW)
        # the rows are gone at once, the files only once the transaction commits
        assert not Draft.objects.filter(pk=old.pk).exists()
        assert not DraftFile.objects.filter(draft_id=old.pk).exists()
        assert all(on_disk(n).exists() for n in old_files)
    # then
    assert not any(on_disk(n).exists() for n in old_files)
    assert not on_disk(f"portal/drafts/{old.pk}").exists()  # the empty folder too
    assert Draft.objects.filter(pk=recent.pk).exists()
    assert all(on_disk(n).exists() for n in recent_files)
    assert (result.drafts, result.files, result.bytes) == (1, 2, len(PDF) + len(PNG))
    assert result.freed_bytes == len(PDF) + len(PNG) and result.storage_errors == 0
    # one audit record for the batch, naming the drafts
    (record,) = purge_audits()
    assert record.changes["drafts"] == 1 and record.changes["ids"] == [str(old.pk)]
    assert record.changes["files"] == 2 and record.changes["older_than_days"] == 30


def test_the_retention_comes_from_the_setting(world, settings, django_capture_on_commit_callbacks):
    settings.MOTCUA_DRAFT_RETENTION_DAYS = 10
    draft = make_draft(world, updated_at=LATELY, files=0)  # 14 days before NOW
    with django_capture_on_commit_callbacks(execute=True):
        result = dossier_retention.drafts_purge(now=NOW)
    assert result.drafts == 1 and not Draft.objects.filter(pk=draft.pk).exists()


def test_a_rolled_back_purge_keeps_the_drafts_and_their_files(
    world, django_capture_on_commit_callbacks
):
    # given
    old = make_draft(world, updated_at=LONG_AGO)
    (name,) = staged_names(old)
    # when: the purge's transaction does not commit
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        dossier_retention.drafts_purge(older_than=DAYS_30, now=NOW)
        raise RuntimeError("stop")
    # then: nothing was deleted, and nothing is left to delete later
    assert callbacks == []
    assert Draft.objects.filter(pk=old.pk).exists() and on_disk(name).exists()
    assert purge_audits() == []


def test_work_goes_in_batches_each_with_one_audit_record(world, django_capture_on_commit_callbacks):
    drafts = [make_draft(world, updated_at=LONG_AGO + dt.timedelta(hours=i)) for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        result = dossier_retention.drafts_purge(older_than=DAYS_30, now=NOW, batch_size=2)
    assert result.batches == 3 and result.drafts == 5 and result.files == 5
    assert not Draft.objects.exists()
    assert [r.changes["drafts"] for r in purge_audits()] == [2, 2, 1]
    # oldest first
    assert purge_audits()[0].changes["ids"] == sorted(str(d.pk) for d in drafts[:2])


def test_a_file_that_cannot_be_deleted_is_logged_and_the_others_still_go(
    world, django_capture_on_commit_callbacks, caplog
):
    # given: two old drafts; the "file" of one is a folder with something in it, which the
    # storage refuses to delete
    stuck_draft = make_draft(world, updated_at=LONG_AGO, files=0)
    stuck = f"portal/drafts/{stuck_draft.pk}/01-stuck.pdf"
    (on_disk(stuck) / "inside").mkdir(parents=True)
    DraftFile.objects.create(
        draft=stuck_draft,
        paper=papers(world)[0],
        file=stuck,
        original_filename="stuck.pdf",
        content_type="application/pdf",
        size=3,
        sha256="0" * 64,
    )
    other = make_draft(world, updated_at=LONG_AGO + dt.timedelta(hours=1))
    (other_file,) = staged_names(other)
    # when
    with (
        caplog.at_level(logging.WARNING, logger="motcua.dossiers.retention"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = dossier_retention.drafts_purge(older_than=DAYS_30, now=NOW)
    # then
    assert result.drafts == 2 and result.storage_errors == 1
    assert f"could not delete staged file {stuck}" in caplog.text
    assert not on_disk(other_file).exists()
    assert not Draft.objects.exists()


def test_the_day_shown_to_the_citizen_is_the_last_day_the_draft_is_kept(
    world, django_capture_on_commit_callbacks
):
    # given: a draft last saved on 1 March in the afternoon, kept 30 days
    draft = make_draft(world, updated_at=vn(2027, 3, 1, 15, 0), files=0)
    kept_until = dossier_retention.draft_kept_until(draft, retention=DAYS_30)
    assert kept_until == dt.date(2027, 3, 31)
    # when: the purge runs late on that day, then just after midnight
    with django_capture_on_commit_callbacks(execute=True):
        late = dossier_retention.drafts_purge(older_than=DAYS_30, now=vn(2027, 3, 31, 23, 59))
    assert late.drafts == 0 and Draft.objects.filter(pk=draft.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        after = dossier_retention.drafts_purge(older_than=DAYS_30, now=vn(2027, 4, 1, 0, 1))
    assert after.drafts == 1 and not Draft.objects.filter(pk=draft.pk).exists()


def test_my_dossiers_says_when_each_draft_will_be_deleted(citizen_client, world, settings):
    settings.MOTCUA_DRAFT_RETENTION_DAYS = 30
    draft = make_draft(world, updated_at=vn(2027, 3, 1, 15, 0), files=0)
    page = citizen_client.get("/my/dossiers/").content.decode()
    assert f"/my/drafts/{draft.pk}/" in page
    assert "This draft will be deleted after 31/03/2027 if it is not updated." in page
    (row,) = selectors.draft_list_open_with_removal(world.citizen)
    assert row.draft == draft and row.kept_until == dt.date(2027, 3, 31)


# --- submitted drafts and files left behind ----------------------------------------------------


def submitted_draft(world, django_capture_on_commit_callbacks) -> tuple[Draft, Dossier]:
    draft = make_draft(world, updated_at=LONG_AGO, files=2)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = drafts.draft_submit(
            draft_id=draft.pk, user=world.citizen, token=draft.submit_token
        )
    Draft.objects.filter(pk=draft.pk).update(updated_at=LONG_AGO, submitted_at=LONG_AGO)
    draft.refresh_from_db()
    return draft, dossier


def test_submitted_drafts_stay_and_their_files_are_already_gone(
    world, django_capture_on_commit_callbacks
):
    # given: a draft submitted 45 days ago; submitting deleted its staged files, since the
    # dossier holds its own copies
    draft, dossier = submitted_draft(world, django_capture_on_commit_callbacks)
    assert not DraftFile.objects.filter(draft=draft).exists()
    assert not list(on_disk(f"portal/drafts/{draft.pk}").glob("*"))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        result = dossier_retention.drafts_purge(older_than=DAYS_30, now=NOW)
    # then: the draft still links the dossier, so a retried submit finds the same dossier
    assert result.drafts == 0
    draft.refresh_from_db()
    assert draft.status == DraftStatus.SUBMITTED and draft.dossier == dossier
    again = drafts.draft_submit(draft_id=draft.pk, user=world.citizen, token=draft.submit_token)
    assert again.pk == dossier.pk
    components = list(dossier.components.all())
    assert len(components) == 2 and all(on_disk(c.file.name).exists() for c in components)
    assert not on_disk(f"portal/drafts/{draft.pk}").exists()  # its empty folder is removed


def test_files_left_behind_by_submitted_or_deleted_drafts_are_swept(
    world, django_capture_on_commit_callbacks
):
    # given: files no row names, an hour old or more, in the folders of a submitted draft and of
    # a draft that no longer exists ...
    draft, _dossier = submitted_draft(world, django_capture_on_commit_callbacks)
    of_submitted = leave_behind(str(draft.pk), "1-a.pdf", PDF, modified=days_ago(1 / 12))
    gone = str(uuid.uuid4())
    of_deleted = leave_behind(gone, "1-b.png", PNG, modified=days_ago(2))
    # ... and what must stay: a file written a moment ago (its row may not be committed yet), a
    # file in an open draft's folder, a folder that is not a draft's
    just_written = leave_behind(str(uuid.uuid4()), "1-c.pdf", PDF, modified=timezone.now())
    open_draft = make_draft(world, updated_at=timezone.now())
    in_open = leave_behind(str(open_draft.pk), "9-old.pdf", PDF, modified=days_ago(45))
    not_ours = leave_behind("notes", "readme.txt", b"x", modified=days_ago(45))
    # when: a dry run, then the purge
    dry = dossier_retention.drafts_purge(older_than=DAYS_30, dry_run=True)
    assert (dry.orphan_files, dry.orphan_bytes) == (2, len(PDF) + len(PNG))
    assert on_disk(of_submitted).exists() and on_disk(of_deleted).exists()
    with django_capture_on_commit_callbacks(execute=True):
        result = dossier_retention.drafts_purge(older_than=DAYS_30)
    # then
    assert (result.orphan_files, result.orphan_bytes) == (2, len(PDF) + len(PNG))
    assert result.freed_bytes == len(PDF) + len(PNG) and result.drafts == 0
    assert not on_disk(of_submitted).exists() and not on_disk(of_deleted).exists()
    assert not on_disk(f"portal/drafts/{gone}").exists()
    assert all(on_disk(n).exists() for n in (just_written, in_open, not_ours))
    assert all(on_disk(n).exists() for n in staged_names(open_draft))


def test_a_dry_run_changes_nothing_and_counts_what_the_purge_removes(
    world, django_capture_on_commit_callbacks
):
    # given
    old = make_draft(world, updated_at=days_ago(45), files=2)
    make_draft(world, updated_at=days_ago(14))
    names = staged_names(old)
    orphan = leave_behind(str(uuid.uuid4()), "1-x.pdf", PDF, modified=days_ago(2))
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dry = dossier_retention.drafts_purge(older_than=DAYS_30, dry_run=True)
    # then
    assert callbacks == [] and dry.dry_run
    assert Draft.objects.count() == 2 and all(on_disk(n).exists() for n in names)
    assert on_disk(orphan).exists() and purge_audits() == []
    # and the real run removes what the dry run counted
    with django_capture_on_commit_callbacks(execute=True):
        real = dossier_retention.drafts_purge(older_than=DAYS_30)
    counted = ("drafts", "files", "bytes", "orphan_files", "orphan_bytes")
    assert [getattr(dry, k) for k in counted] == [getattr(real, k) for k in counted]
    assert (real.drafts, real.files, real.orphan_files) == (1, 2, 1)


# --- verification codes and registrations ------------------------------------------------------


def code(user: User, *, expires_at: dt.datetime) -> VerificationCode:
    row = VerificationCode.objects.create(
        user=user,
        channel="email",
        recipient=user.email or "x@example.com",
        code_hash="0" * 64,
        expires_at=expires_at,
    )
    VerificationCode.objects.filter(pk=row.pk).update(created_at=expires_at - citizens.CODE_TTL)
    return row


def test_verification_codes_expired_before_the_retention_are_deleted(world):
    old = code(world.citizen, expires_at=LONG_AGO)
    used_lately = code(world.citizen, expires_at=LATELY)
    valid = code(world.citizen, expires_at=NOW + dt.timedelta(minutes=10))
    assert (
        account_retention.verification_codes_purge(older_than=DAYS_30, now=NOW, dry_run=True) == 1
    )
    assert VerificationCode.objects.count() == 3
    assert account_retention.verification_codes_purge(older_than=DAYS_30, now=NOW) == 1
    assert set(VerificationCode.objects.values_list("pk", flat=True)) == {used_lately.pk, valid.pk}
    assert not VerificationCode.objects.filter(pk=old.pk).exists()
    (record,) = AuditRecord.objects.filter(action="portal_verification_codes_purge")
    assert record.changes["codes"] == 1


def register(email: str, *, joined: dt.datetime) -> User:
    user = citizens.citizen_register(
        data=citizens.Registration(
            kind="citizen",
            full_name="Trần Văn Bình",
            id_number="096099001234",
            email=email,
            phone="",
            password="Ca-Mau-2027!",
        )
    )
    User.objects.filter(pk=user.pk).update(date_joined=joined)
    VerificationCode.objects.filter(user=user).update(
        created_at=joined, expires_at=joined + citizens.CODE_TTL
    )
    return user


def test_registrations_never_verified_are_deleted_after_the_retention(world):
    # given: a registration abandoned 45 days ago ...
    abandoned = register("bo@example.com", joined=LONG_AGO)
    # ... and registrations that stay
    recent = register("moi@example.com", joined=LATELY)
    verified = register("da-xac-thuc@example.com", joined=LONG_AGO)
    Profile.objects.filter(user=verified).update(email_verified_at=LONG_AGO)
    asked_again = register("hoi-lai@example.com", joined=LONG_AGO)
    code(asked_again, expires_at=LATELY)
    applicant_of = register("nguoi-nop@example.com", joined=LONG_AGO)
    Applicant.objects.create(
        kind="individual", full_name="Trần Văn Bình", id_number="096099001234", user=applicant_of
    )
    made_elsewhere = User.objects.create(
        username="imported", kind="citizen", is_active=False, email="nhap@example.com"
    )
    User.objects.filter(pk=made_elsewhere.pk).update(date_joined=LONG_AGO)
    kept = {recent.pk, verified.pk, asked_again.pk, applicant_of.pk, made_elsewhere.pk}
    # when
    assert (
        account_retention.abandoned_registrations_purge(
            older_than=DAYS_30, now=NOW, dry_run=True, in_use=dossier_retention.accounts_in_use()
        )
        == 1
    )
    assert User.objects.filter(pk=abandoned.pk).exists()
    assert (
        account_retention.abandoned_registrations_purge(
            older_than=DAYS_30, now=NOW, in_use=dossier_retention.accounts_in_use()
        )
        == 1
    )
    # then
    assert not User.objects.filter(pk=abandoned.pk).exists()
    assert not Profile.objects.filter(user_id=abandoned.pk).exists()
    assert not VerificationCode.objects.filter(user_id=abandoned.pk).exists()
    assert set(User.objects.filter(pk__in=kept).values_list("pk", flat=True)) == kept
    (record,) = AuditRecord.objects.filter(action="portal_registrations_purge")
    assert record.changes["ids"] == [abandoned.pk]
    assert AuditRecord.objects.filter(
        action="delete", object_type="accounts.user", object_id=str(abandoned.pk)
    ).exists()


# --- the command -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_command_prints_what_it_removed(world):
    # given: one draft untouched for 40 days, with a file; one expired code
    old = make_draft(world, updated_at=days_ago(40))
    (name,) = staged_names(old)
    code(world.citizen, expires_at=days_ago(40))
    # when: a dry run
    out = io.StringIO()
    call_command("purge_drafts", "--days", "30", "--dry-run", stdout=out)
    text = out.getvalue()
    # then
    assert "dry run: nothing is changed" in text
    assert f"would remove 1 draft(s), 1 file(s), {len(PDF)} bytes" in text
    assert "verification codes expired before" in text and "would remove 1" in text
    assert Draft.objects.filter(pk=old.pk).exists() and on_disk(name).exists()
    # when: the real run (the default is the setting: 30 days)
    out = io.StringIO()
    call_command("purge_drafts", stdout=out)
    text = out.getvalue()
    # then
    assert f"(30 days): removed 1 draft(s), 1 file(s), {len(PDF)} bytes" in text
    assert f"total: 1 draft(s), 1 file(s), {len(PDF)} bytes" in text and "freed" in text
    assert not Draft.objects.filter(pk=old.pk).exists() and not on_disk(name).exists()
    assert not VerificationCode.objects.exists()
    record = AuditRecord.objects.get(action="portal_drafts_purge")
    assert record.interface == "cli"


def test_the_command_refuses_less_than_a_day(world):
    with pytest.raises(CommandError):
        call_command("purge_drafts", "--days", "0", stdout=io.StringIO())


# --- concurrency -------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_draft_being_edited_is_skipped(world):
    # given: two old drafts; the citizen's request holds the lock of one
    edited = make_draft(world, updated_at=days_ago(45), files=0)
    idle = make_draft(world, updated_at=days_ago(45), files=0)
    locked, release = threading.Event(), threading.Event()

    def edit() -> None:
        try:
            with transaction.atomic():
                drafts.draft_get(draft_id=edited.pk, user=world.citizen, for_update=True)
                locked.set()
                release.wait(10)
                drafts.draft_set_applicant(draft=edited, user=world.citizen, data=APPLICANT)
        finally:
            connection.close()

    thread = threading.Thread(target=edit)
    thread.start()
    assert locked.wait(10)
    # when
    try:
        result = dossier_retention.drafts_purge(older_than=DAYS_30)
    finally:
        release.set()
        thread.join()
    # then: the idle draft is gone, the edited one is kept (and now recent)
    assert result.drafts == 1
    assert not Draft.objects.filter(pk=idle.pk).exists()
    assert Draft.objects.filter(pk=edited.pk).exists()
