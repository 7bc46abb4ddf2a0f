from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from motcua.accounts.enums import Role
from motcua.accounts.tests.factories import OfficialFactory, OrgFactory
from motcua.core.audit import (
    audit_context,
    audit_record,
    audit_seal_pending,
    audit_verify_chain,
)
from motcua.core.audit_models import AuditRecord, Interface

pytestmark = pytest.mark.django_db


def _verify() -> tuple[str, bool]:
    out = StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=StringIO())
        return out.getvalue(), True
    except CommandError:
        return out.getvalue(), False


def test_registered_model_changes_are_recorded_with_before_and_after():
    # given
    actor = OfficialFactory(username="editor")
    with audit_context(actor=actor, interface=Interface.WEB):
        org = OrgFactory(name="Sở A")
        # when
        org.name = "Sở B"
        org.save()
    # then
    update = AuditRecord.objects.filter(
        action="update", object_type="organisations.organisation"
    ).get()
    assert update.changes == {"name": ["Sở A", "Sở B"]}
    assert update.actor_id == actor.pk and update.actor_repr == "editor"
    assert update.interface == "web"
    assert update.object_id == str(org.pk)


def test_delete_is_recorded():
    org = OrgFactory(name="Tạm")
    pk = org.pk
    org.delete()
    rec = AuditRecord.objects.get(action="delete", object_id=str(pk))
    assert rec.changes["name"] == ["Tạm", None]


def test_untouched_save_records_nothing():
    org = OrgFactory()
    before = AuditRecord.objects.count()
    org.save()
    assert AuditRecord.objects.count() == before


def test_chain_verifies_ok_then_detects_an_edited_record():
    for i in range(5):
        audit_record(action="test", object_type="x.y", object_id=i, note=f"n{i}")
    out, ok = _verify()  # seals the waiting records first
    assert ok and out.startswith("OK")
    # when someone edits record 3 behind the application's back
    with connection.cursor() as cur:
        cur.execute("UPDATE core_auditrecord SET note = 'forged' WHERE seq = 3")
    # then
    out, ok = _verify()
    assert not ok
    assert "#3" in out
    assert audit_verify_chain().broken_seq == 3


def test_chain_detects_a_deleted_record():
    for i in range(4):
        audit_record(action="test", object_type="x.y", object_id=i)
    audit_seal_pending()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditrecord WHERE seq = 2")
    result = audit_verify_chain()
    assert not result.ok and result.broken_seq == 2


def test_chain_detects_deleted_newest_records():
    for i in range(4):
        audit_record(action="test", object_type="x.y", object_id=i)
    audit_seal_pending()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditrecord WHERE seq = 4")
    result = audit_verify_chain()
    assert not result.ok and result.broken_seq == 4


def test_chain_detects_a_rehashed_record():
    # Recomputing one record's hash after editing it still breaks the next link.
    from motcua.core.audit import compute_hash

    for i in range(3):
        audit_record(action="test", object_type="x.y", object_id=i)
    audit_seal_pending()
    rec = AuditRecord.objects.get(seq=2)
    rec.note = "forged"
    rec.hash = compute_hash(rec)
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE core_auditrecord SET note = %s, hash = %s WHERE seq = 2", [rec.note, rec.hash]
        )
    result = audit_verify_chain()
    assert not result.ok and result.broken_seq == 3


def test_records_cannot_be_changed_through_the_orm():
    rec = audit_record(action="test", object_type="x.y")
    rec.note = "x"
    with pytest.raises(RuntimeError):
        rec.save()
    with pytest.raises(RuntimeError):
        rec.delete()


def test_admin_edits_are_recorded_as_admin_interface(client: Client):
    # given a provincial administrator in the Django admin and a token to revoke
    from motcua.accounts.services import api_token_create

    admin = OfficialFactory(username="padmin", roles=[Role.PROVINCIAL_ADMIN], is_staff=True)
    OfficialFactory(username="robot")
    token, _ = api_token_create(username="robot")
    client.force_login(admin)
    # when
    resp = client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )
    # then
    assert resp.status_code == 302
    rec = AuditRecord.objects.get(action="update", object_type="accounts.apitoken")
    assert rec.interface == "admin" and rec.actor_id == admin.pk
    assert set(rec.changes) == {"revoked_at"}


def test_password_change_is_recorded_without_the_secret():
    user = OfficialFactory(username="pw")
    user.set_password("another-secret-1")
    user.save()
    rec = AuditRecord.objects.filter(action="update", object_id=str(user.pk)).first()
    assert rec is not None
    before, after = rec.changes["password"]
    assert before != after and after.startswith("fp:")
    assert "another-secret-1" not in str(rec.changes) and user.password not in str(rec.changes)


def test_trail_page_is_for_administrators_and_filters(client: Client):
    audit_record(action="alpha", object_type="x.y", object_id=1)
    audit_record(action="beta", object_type="x.y", object_id=2)
    officer = OfficialFactory(roles=[Role.SPECIALIST])
    client.force_login(officer)
    assert client.get("/office/audit/").status_code == 403
    admin = OfficialFactory(roles=[Role.PROVINCIAL_ADMIN])
    client.force_login(admin)
    page = client.get("/office/audit/", {"action": "beta"}).content.decode()
    assert "beta" in page and "alpha" not in page


def test_records_are_sealed_once_their_transaction_commits(django_capture_on_commit_callbacks):
    # given a transaction writing two records
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        audit_record(action="one", object_type="x.y")
        audit_record(action="two", object_type="x.y")
        # then they wait, unsealed, until the commit
        assert AuditRecord.objects.filter(seq__isnull=True).count() == 2
    # one sealing pass per transaction, after the commit
    assert len(callbacks) == 1
    assert list(AuditRecord.objects.order_by("seq").values_list("seq", "action")) == [
        (1, "one"),
        (2, "two"),
    ]
    assert audit_verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_record():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="lost", object_type="x.y")
        raise RuntimeError("rollback")
    audit_record(action="kept", object_type="x.y")  # autocommit: sealed at once
    assert list(AuditRecord.objects.values_list("action", "seq")) == [("kept", 1)]


# --- the keyed chain ----------------------------------------------------------------------------


def _rewrite(rows: list[AuditRecord]) -> None:
    """What someone with write access to the database does: store edited rows and a head that
    names the last one, behind the application's back."""
    from motcua.core.audit_models import AuditChainHead

    for rec in rows:
        AuditRecord.objects.filter(pk=rec.pk).update(
            note=rec.note, prev_hash=rec.prev_hash, hash=rec.hash, hash_version=rec.hash_version
        )
    last = rows[-1]
    AuditChainHead.objects.filter(id=1).update(last_seq=last.seq, last_hash=last.hash)


def _plain_sha256_chain(*, downgrade: bool) -> None:
    """Recompute every link with an unkeyed SHA-256, as the chain was before it was keyed
    (`downgrade`: also mark every record version 1), from record #1."""
    import hashlib

    from motcua.core.audit import GENESIS_HASH, _canonical, _canonical_v2

    previous = GENESIS_HASH
    rows = list(AuditRecord.objects.order_by("seq"))
    for rec in rows:
        rec.prev_hash = previous
        if downgrade:
            rec.hash_version = 1
        payload = _canonical(rec) if downgrade else _canonical_v2(rec)
        rec.hash = hashlib.sha256(payload).hexdigest()
        previous = rec.hash
    _rewrite(rows)


@pytest.mark.parametrize("downgrade", [False, True], ids=["same-version", "downgraded-to-v1"])
def test_an_edited_record_with_recomputed_plain_sha256_links_is_detected(downgrade):
    # given a sealed trail
    for i in range(4):
        audit_record(action="test", object_type="x.y", object_id=i, note=f"n{i}")
    audit_seal_pending()
    assert audit_verify_chain().ok
    # when someone edits record 2 and recomputes every link (and the head) with plain SHA-256
    AuditRecord.objects.filter(seq=2).update(note="forged")
    _plain_sha256_chain(downgrade=downgrade)
    # then the chain does not verify: the links need the key
    result = audit_verify_chain()
    assert not result.ok
    assert result.broken_seq == 1
    out, ok = _verify()
    assert not ok and "BROKEN at record #1" in out


def test_the_chain_is_an_hmac_with_the_configured_key(settings):
    import hashlib
    import hmac

    from motcua.core.audit import _canonical_v2

    # given a key from the environment (settings.MOTCUA_AUDIT_KEY)
    settings.MOTCUA_AUDIT_KEY = "k" * 40
    # when
    audit_record(action="test", object_type="x.y", object_id=1)
    audit_seal_pending()
    # then the link is the HMAC of the record with that key
    rec = AuditRecord.objects.get(seq=1)
    assert rec.hash_version == 2
    expected = hmac.new(b"k" * 40, _canonical_v2(rec), hashlib.sha256).hexdigest()
    assert rec.hash == expected
    assert audit_verify_chain().ok
    # and with another key the same trail does not verify
    settings.MOTCUA_AUDIT_KEY = "other" * 8
    assert audit_verify_chain().broken_seq == 1


def test_without_a_configured_key_one_is_derived_from_secret_key(settings):
    from motcua.core.audit import audit_key

    settings.MOTCUA_AUDIT_KEY = ""
    derived = audit_key()
    assert derived != settings.SECRET_KEY.encode() and len(derived) == 32
    settings.SECRET_KEY = settings.SECRET_KEY + "x"
    assert audit_key() != derived


def test_the_key_is_read_from_the_environment(tmp_path):
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {**os.environ, "MOTCUA_AUDIT_KEY": "from-the-environment-" + "z" * 20}
    env["MOTCUA_VAR_DIR"] = str(tmp_path)
    code = "import django; django.setup(); from motcua.core.audit import audit_key; "
    code += "print(audit_key().decode())"
    result = subprocess.run(  # noqa: S603 - fixed arguments: this interpreter, our code
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "motcua.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "from-the-environment-" + "z" * 20


def test_check_deploy_warns_without_a_strong_audit_key(settings):
    from motcua.core.checks import audit_key_check

    settings.MOTCUA_AUDIT_KEY = ""
    assert [m.id for m in audit_key_check()] == ["core.W001"]
    settings.MOTCUA_AUDIT_KEY = "short"
    assert [m.id for m in audit_key_check()] == ["core.W002"]
    settings.MOTCUA_AUDIT_KEY = "x" * 48
    assert audit_key_check() == []


def _as_sealed_before_keying() -> None:
    """The trail as the previous release left it: every link an unkeyed SHA-256 (version 1)."""
    from motcua.core.audit import GENESIS_HASH

    previous = GENESIS_HASH
    rows = list(AuditRecord.objects.order_by("seq"))
    for rec in rows:
        rec.prev_hash = previous
        rec.hash_version = 1
        from motcua.core.audit import compute_hash

        rec.hash = compute_hash(rec, version=1)
        previous = rec.hash
    _rewrite(rows)


def test_a_trail_sealed_before_keying_is_resealed_by_the_upgrade():
    from motcua.core.audit import audit_reseal_legacy

    # given a trail sealed by the previous release (unkeyed)
    for i in range(3):
        audit_record(action="test", object_type="x.y", object_id=i)
    audit_seal_pending()
    _as_sealed_before_keying()
    result = audit_verify_chain()
    assert not result.ok and result.broken_seq == 1 and "unkeyed" in result.reason
    # when migration 0004 runs its upgrade
    assert audit_reseal_legacy() == 3
    # then the same records verify, keyed, and new ones chain on
    assert set(AuditRecord.objects.values_list("hash_version", flat=True)) == {2}
    audit_record(action="after", object_type="x.y")
    audit_seal_pending()
    assert audit_verify_chain().ok and audit_verify_chain().checked == 4


def test_the_upgrade_leaves_a_broken_unkeyed_trail_broken():
    from motcua.core.audit import audit_reseal_legacy

    # given an unkeyed trail whose record 2 was edited before the upgrade
    for i in range(3):
        audit_record(action="test", object_type="x.y", object_id=i)
    audit_seal_pending()
    _as_sealed_before_keying()
    AuditRecord.objects.filter(seq=2).update(note="forged")
    # when
    assert audit_reseal_legacy() == 0
    # then nothing is re-sealed and verification names the edited record
    assert set(AuditRecord.objects.values_list("hash_version", flat=True)) == {1}
    result = audit_verify_chain()
    assert not result.ok and result.broken_seq == 2


def _verify_with(*args: str) -> tuple[str, bool]:
    out = StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=StringIO())
        return out.getvalue(), True
    except CommandError:
        return out.getvalue(), False


@pytest.mark.parametrize("seal", [True, False], ids=["sealing", "no-seal"])
def test_records_left_unsealed_too_long_are_reported(settings, seal):
    import datetime as dt

    from django.utils import timezone

    # given one record waiting for its seal for 10 minutes and one written just now
    # (in a test transaction nothing is sealed on its own: the commit never comes)
    settings.MOTCUA_AUDIT_SEAL_GRACE_SECONDS = 300
    old = audit_record(action="stale", object_type="x.y", object_id=7)
    AuditRecord.objects.filter(pk=old.pk).update(
        recorded_at=timezone.now() - dt.timedelta(minutes=10)
    )
    fresh = audit_record(action="fresh", object_type="x.y", object_id=8)
    # when
    out, ok = _verify_with() if seal else _verify_with("--no-seal")
    # then audit_verify names the stale one and fails
    assert not ok
    assert "UNSEALED: 1 record(s)" in out
    assert f"id {old.pk}: stale x.y:7" in out
    assert f"id {fresh.pk}:" not in out


def test_a_longer_grace_setting_reports_nothing(settings):
    import datetime as dt

    from django.utils import timezone

    settings.MOTCUA_AUDIT_SEAL_GRACE_SECONDS = 3600
    old = audit_record(action="stale", object_type="x.y")
    AuditRecord.objects.filter(pk=old.pk).update(
        recorded_at=timezone.now() - dt.timedelta(minutes=10)
    )
    out, ok = _verify_with()
    assert ok and "UNSEALED" not in out
