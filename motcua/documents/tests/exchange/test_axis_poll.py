"""`manage.py documents_poll_axis` and `documents_sync_directory` against the stand-in axis."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.documents.edxml import parse
from motcua.documents.enums import Channel, DeliveryStatus, IncomingState, OutgoingState
from motcua.documents.models import Agency, ExchangeMessage, IncomingDocument
from motcua.documents.services import outgoing as svc
from motcua.documents.tests.exchange import packages
from motcua.documents.tests.exchange.axis_standin import AxisStandin
from motcua.documents.tests.factories import signed_outgoing, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db):  # type: ignore[no-untyped-def]
    w = world()
    # our agency is connected to the axis
    Agency.objects.create(
        organ_id=w.agency.agency_code, name=w.agency.name, organisation=w.agency,
        channel=Channel.AXIS,
    )  # fmt: skip
    return w


@pytest.fixture
def axis(w, monkeypatch):  # type: ignore[no-untyped-def]
    with AxisStandin(
        systems={
            "motcua-camau": ("axis-secret", {w.agency.agency_code}),
            "ministry": ("ministry-secret", {packages.MINISTRY}),
        }
    ) as standin:
        monkeypatch.setenv("MOTCUA_AXIS_URL", standin.url)
        monkeypatch.setenv("MOTCUA_AXIS_SYSTEM_ID", "motcua-camau")
        monkeypatch.setenv("MOTCUA_AXIS_SECRET", "axis-secret")
        Agency.objects.create(
            organ_id=packages.MINISTRY, name=packages.MINISTRY_NAME, channel=Channel.AXIS
        )
        yield standin


def poll() -> str:
    out = io.StringIO()
    call_command("documents_poll_axis", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_polling_registers_documents_records_statuses_and_acknowledges(
    w, axis, django_capture_on_commit_callbacks
):
    # given our decision sent to the ministry earlier
    mine = svc.outgoing_number(actor=w.clerk, document=signed_outgoing(w))
    mine.state = OutgoingState.ISSUED
    mine.issued_at = mine.numbered_at
    mine.save()
    recipient = mine.recipients.create(
        name=packages.MINISTRY_NAME, organ_id=packages.MINISTRY, channel=Channel.AXIS,
        status=DeliveryStatus.SENT,
    )  # fmt: skip
    # and waiting on the axis for our agency: a ministry decision, the ministry's "registered"
    # for ours, and something that is not a package
    decision = axis.deposit(
        packages.edoc(to=[w.agency.agency_code]),
        from_organ=packages.MINISTRY,
        to_organs=[w.agency.agency_code],
    )
    status = axis.deposit(
        packages.status(
            sender=packages.MINISTRY, about_organ=w.agency.agency_code,
            about_code="01/QĐ-UBND", about_date=mine.issued_date,
        ),
        from_organ=packages.MINISTRY, to_organs=[w.agency.agency_code], message_type="status",
    )  # fmt: skip
    junk = axis.deposit(
        b"<html>502 Bad Gateway</html>", from_organ="x", to_organs=[w.agency.agency_code]
    )
    # when we poll
    with django_capture_on_commit_callbacks(execute=True):
        output = poll()
    # then the decision is registered, the status recorded, the junk refused, each acknowledged
    assert "received: 1" in output and "statuses: 1" in output and "refused: 1" in output
    document = IncomingDocument.objects.get()
    assert (document.channel, document.state, document.arrival_number) == (
        Channel.AXIS,
        IncomingState.REGISTERED,
        1,
    )
    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.ACCEPTED
    assert axis.edocs[decision].status[w.agency.agency_code] == "done"
    assert axis.edocs[status].status[w.agency.agency_code] == "done"
    assert axis.edocs[junk].status[w.agency.agency_code] == "fail"
    assert "edXML" in axis.edocs[junk].error[w.agency.agency_code]
    # and the ministry is told "arrived" and "registered" through the axis
    back = [e for e in axis.edocs.values() if e.from_organ == w.agency.agency_code]
    assert [parse(e.body).status_code for e in back] == ["01", "03"]
    # and everything is in the exchange log: the three received, the refusal kept raw
    received = ExchangeMessage.objects.filter(direction="in").order_by("id")
    assert [(m.kind, m.outcome) for m in received] == [
        ("edoc", "received"),
        ("unknown", "refused"),
        ("status", "received"),
    ]
    assert received[1].size == len(b"<html>502 Bad Gateway</html>")
    assert received[0].external_id == decision
    acks = ExchangeMessage.objects.filter(kind="ack").values_list("external_id", "outcome")
    assert sorted(acks) == sorted([(decision, "done"), (junk, "fail"), (status, "done")])
    # and a second poll finds nothing
    assert "received: 0" in poll()
    assert IncomingDocument.objects.count() == 1


def test_a_package_taken_twice_is_registered_once(w, axis, django_capture_on_commit_callbacks):
    # the same package deposited twice (the axis redelivers after a lost acknowledgement)
    body = packages.edoc(to=[w.agency.agency_code])
    for _ in range(2):
        axis.deposit(body, from_organ=packages.MINISTRY, to_organs=[w.agency.agency_code])
    with django_capture_on_commit_callbacks(execute=True):
        output = poll()
    assert "received: 1, already held: 1" in output
    assert IncomingDocument.objects.count() == 1
    assert axis.pending_for(w.agency.agency_code) == []


def test_an_unavailable_axis_leaves_the_packages_for_the_next_poll(w, axis):
    axis.deposit(
        packages.edoc(to=[w.agency.agency_code]),
        from_organ=packages.MINISTRY,
        to_organs=[w.agency.agency_code],
    )
    axis.fail_next(2, status=503)  # both lists (documents, statuses) fail
    out, err = io.StringIO(), io.StringIO()
    call_command("documents_poll_axis", stdout=out, stderr=err)
    assert "errors: 2" in out.getvalue()
    assert "503" in err.getvalue()
    assert IncomingDocument.objects.count() == 0
    assert len(axis.pending_for(w.agency.agency_code)) == 1


def test_polling_without_configuration_says_what_is_missing(w, monkeypatch):
    monkeypatch.delenv("MOTCUA_AXIS_URL", raising=False)
    with pytest.raises(CommandError, match="MOTCUA_AXIS_URL"):
        poll()


def test_directory_sync(w, axis):
    # given a directory with our agency, an agency typed in for paper, and one from the axis
    # that has since left it
    Agency.objects.create(organ_id="000.00.00.G03", name="Bộ Tài chính (cũ)")
    Agency.objects.create(
        organ_id="000.00.00.G99", name="Cơ quan đã giải thể", channel=Channel.AXIS, source="axis"
    )
    axis.agencies = [
        {"code": packages.MINISTRY, "name": "Bộ Nội vụ", "email": "vanthu@moha.gov.vn"},
        {"code": "000.00.00.G03", "name": "Bộ Tài chính", "phone": "024 2220 2828"},
        {"code": "000.00.00.G12", "name": "Bộ Tư pháp", "parentCode": ""},
        {"code": w.agency.agency_code, "name": "A name the axis got wrong"},
    ]
    # when the directory is synchronised
    out = io.StringIO()
    call_command("documents_sync_directory", stdout=out)
    # then
    assert out.getvalue().strip() == "added: 1, updated: 2, unchanged: 1, deactivated: 1"
    moj = Agency.objects.get(organ_id="000.00.00.G12")
    assert (moj.name, moj.channel, moj.source, moj.active) == (
        "Bộ Tư pháp",
        Channel.AXIS,
        "axis",
        True,
    )
    mof = Agency.objects.get(organ_id="000.00.00.G03")
    assert (mof.name, mof.telephone, mof.channel) == ("Bộ Tài chính", "024 2220 2828", "axis")
    assert Agency.objects.get(organ_id=packages.MINISTRY).email == "vanthu@moha.gov.vn"
    assert Agency.objects.get(organ_id=w.agency.agency_code).name == w.agency.name
    assert not Agency.objects.get(organ_id="000.00.00.G99").active
    # and running it again changes nothing
    out = io.StringIO()
    call_command("documents_sync_directory", stdout=out)
    assert out.getvalue().strip() == "added: 0, updated: 0, unchanged: 4, deactivated: 0"


def test_directory_sync_needs_the_axis(w, monkeypatch):
    monkeypatch.delenv("MOTCUA_AXIS_SECRET", raising=False)
    with pytest.raises(CommandError, match="MOTCUA_AXIS_SECRET"):
        call_command("documents_sync_directory", stdout=io.StringIO())
