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
