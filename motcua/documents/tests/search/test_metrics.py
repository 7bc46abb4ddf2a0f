"""The share of documents exchanged electronically: numerator, denominator, secret documents
left out, the definition in force, and every figure equal to the documents it drills down to."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.accounts.enums import Role
from motcua.documents import metrics, search
from motcua.documents.enums import (
    Channel,
    Confidentiality,
    DeliveryStatus,
    IncomingState,
    OutgoingState,
    SignatureVerdict,
    Source,
)
from motcua.documents.models import IncomingDocument, OutgoingDocument
from motcua.documents.tests.search import helpers as h

pytestmark = pytest.mark.django_db

FROM, TO = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
DAY = dt.date(2025, 6, 2)


def electronic(org: Any, **fields: Any) -> IncomingDocument:
    values = {
        "source": Source.EDXML,
        "channel": Channel.AXIS,
        "signature_verdict": SignatureVerdict.VALID,
        "arrival_date": h.at(DAY),
    }
    return h.incoming(org, **{**values, **fields})


@pytest.fixture
def world() -> dict[str, Any]:
    """Agency A: 6 outgoing and 6 incoming documents of every sort; agency B: one."""
    a = h.agency("Sở Thông tin và Truyền thông")
    b = h.agency("Ban Quản lý dự án")
    drafter = h.official(a, Role.SPECIALIST)
    w: dict[str, Any] = {"a": a, "b": b}
    # outgoing of A
    w["out_electronic"] = h.issued(a, drafter, DAY, channels=(Channel.AXIS, Channel.EMAIL))
    w["out_one_on_paper"] = h.issued(a, drafter, DAY, channels=(Channel.AXIS, Channel.PAPER))
    w["out_unsigned_by_org"] = h.issued(a, drafter, DAY, organisation=False)
    w["out_failed"] = h.issued(a, drafter, DAY, status=DeliveryStatus.FAILED)
    w["out_secret"] = h.issued(
        a, drafter, DAY, channels=(Channel.PAPER,), confidentiality=Confidentiality.SECRET
    )
    w["out_draft"] = h.outgoing(a, drafter)  # never issued: not counted
    w["out_last_year"] = h.issued(a, drafter, dt.date(2024, 12, 31))  # outside the period
    w["out_revoked"] = h.issued(a, drafter, DAY)
    OutgoingDocument.objects.filter(pk=w["out_revoked"].pk).update(state=OutgoingState.REVOKED)
    # incoming of A
    w["in_electronic"] = electronic(a)
    w["in_email_valid"] = electronic(a, source=Source.EMAIL, channel=Channel.EMAIL)
    w["in_paper"] = h.incoming(a, arrival_date=h.at(DAY))
    w["in_invalid"] = electronic(a, signature_verdict=SignatureVerdict.INVALID)
    w["in_indeterminate"] = electronic(a, signature_verdict=SignatureVerdict.INDETERMINATE)
    w["in_secret"] = h.incoming(
        a, arrival_date=h.at(DAY), confidentiality=Confidentiality.TOP_SECRET
    )
    w["in_not_registered"] = electronic(a, state=IncomingState.RECEIVED)
    w["in_returned"] = electronic(a, state=IncomingState.RETURNED)
    # the last minute of the period in Vietnam (17:30 UTC) is in; the next day is not
    w["in_new_year_eve"] = electronic(a, arrival_date=h.at(TO, 23))
    w["in_next_year"] = electronic(a, arrival_date=h.at(TO + dt.timedelta(days=1), 0))
    # B
    w["b_electronic"] = electronic(b)
    return w


def share(**kwargs: Any) -> list[metrics.ShareRow]:
    return metrics.electronic_share(
        IncomingDocument.objects.all(),
        OutgoingDocument.objects.all(),
        period_from=FROM,
        period_to=TO,
        **kwargs,
    )


def drilldown(agency: Any, part: metrics.Part, **kwargs: Any) -> metrics.ShareDocuments:
    return metrics.electronic_share_documents(
        IncomingDocument.objects.all(),
        OutgoingDocument.objects.all(),
        period_from=FROM,
        period_to=TO,
        agency=agency,
        part=part,
        **kwargs,
    )


def pks(docs: metrics.ShareDocuments) -> set[tuple[str, int]]:
    return {("in", pk) for pk in docs.incoming.values_list("pk", flat=True)} | {
        ("out", pk) for pk in docs.outgoing.values_list("pk", flat=True)
    }


def keys(w: dict[str, Any], *names: str) -> set[tuple[str, int]]:
    return {("in" if n.startswith(("in_", "b_")) else "out", w[n].pk) for n in names}


def test_numerator_denominator_and_secret_documents(world: dict[str, Any]) -> None:
    # when
    rows = {row.agency.name: row for row in share() if row.agency}
    a = rows["Sở Thông tin và Truyền thông"]

    # then: sent — fully electronic (and revoked later) / every issued one but the secret
    assert (a.sent_numerator, a.sent_denominator) == (2, 5)
    # received — edXML and e-mail with a valid signature, and the one on 31 December / every
    # registered one but the secret
    assert (a.received_numerator, a.received_denominator) == (3, 6)
    assert (a.numerator, a.denominator, a.excluded) == (5, 11, 2)
    assert a.rate == Decimal(5) / Decimal(11)
    b = rows["Ban Quản lý dự án"]
    assert (b.numerator, b.denominator, b.rate) == (1, 1, Decimal(1))
    assert list(rows) == ["Ban Quản lý dự án", "Sở Thông tin và Truyền thông"]


def test_the_documents_behind_each_figure(world: dict[str, Any]) -> None:
    w = world
    assert pks(drilldown(w["a"], "numerator")) == keys(
        w, "out_electronic", "out_revoked", "in_electronic", "in_email_valid", "in_new_year_eve"
    )
    assert pks(drilldown(w["a"], "excluded")) == keys(w, "out_secret", "in_secret")
    assert pks(drilldown(w["a"], "denominator")) == keys(
        w,
        "out_electronic",
        "out_one_on_paper",
        "out_unsigned_by_org",
        "out_failed",
        "out_revoked",
        "in_electronic",
        "in_email_valid",
        "in_paper",
        "in_invalid",
        "in_indeterminate",
        "in_new_year_eve",
    )


def test_every_figure_equals_the_count_of_its_drilldown(world: dict[str, Any]) -> None:
    rows = share()
    total = share(by="total")[0]
    for row in [*rows, total]:
        assert drilldown(row.agency, "numerator").count() == row.numerator
        assert drilldown(row.agency, "denominator").count() == row.denominator
        assert drilldown(row.agency, "excluded").count() == row.excluded
        sent = drilldown(row.agency, "numerator").outgoing.count()
        assert sent == row.sent_numerator
    assert metrics.electronic_share_total(rows) == total
    assert (total.numerator, total.denominator, total.excluded) == (6, 12, 2)


def test_the_definition_can_be_changed(world: dict[str, Any], settings: Any) -> None:
    # given: any electronic recipient is enough, an indeterminate signature too
    settings.MOTCUA_ELECTRONIC_SHARE = {
        "outgoing_recipients": "any",
        "incoming_verdicts": ["valid", "indeterminate"],
    }

    # when
    a = next(r for r in share() if r.agency == world["a"])

    # then
    assert (a.sent_numerator, a.received_numerator) == (3, 4)
    assert ("out", world["out_one_on_paper"].pk) in pks(drilldown(world["a"], "numerator"))
    text = " ".join(metrics.definition_text())
    assert "ít nhất một" in text  # "to at least one of its recipients"
    assert str(SignatureVerdict.INDETERMINATE.label) in text


def test_the_definition_from_the_environment(
    world: dict[str, Any], settings: Any, monkeypatch: Any
) -> None:
    del settings.MOTCUA_ELECTRONIC_SHARE
    monkeypatch.setenv("MOTCUA_ELECTRONIC_SHARE", json.dumps({"outgoing_delivered_only": False}))

    a = next(r for r in share() if r.agency == world["a"])

    assert a.sent_numerator == 3  # the failed sending counts now


@pytest.mark.parametrize(
    "overrides",
    [
        {"no_such_key": 1},
        {"outgoing_recipients": "most"},
        {"electronic_channels": "axis"},
        {"incoming_sources": ["pigeon"]},
    ],
)
def test_a_wrong_definition_is_refused(overrides: dict[str, Any], settings: Any) -> None:
    settings.MOTCUA_ELECTRONIC_SHARE = overrides
    with pytest.raises(ImproperlyConfigured):
        metrics.share_definition()


def test_the_definition_in_words_is_in_vietnamese() -> None:
    lines = metrics.definition_text(metrics.ShareDefinition.build())

    assert lines[0].startswith("Tỷ lệ văn bản")
    text = " ".join(lines)
    assert "Mật, Tối mật, Tuyệt mật" in text
    assert "mọi nơi nhận" in text  # every one of its recipients


def test_an_official_sees_the_figures_of_what_they_may_see(world: dict[str, Any]) -> None:
    clerk_b = h.official(world["b"], Role.CLERK)

    rows = metrics.electronic_share(
        search.visible_incoming(clerk_b),
        search.visible_outgoing(clerk_b),
        period_from=FROM,
        period_to=TO,
    )

    assert [(r.agency, r.numerator, r.denominator) for r in rows] == [(world["b"], 1, 1)]


def test_the_spreadsheet(world: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    # given: an agency whose name a spreadsheet would take for a formula
    odd = h.agency("=HYPERLINK(1)")
    electronic(odd)
    rows = share()

    # when
    book = load_workbook(
        io.BytesIO(metrics.electronic_share_xlsx(rows, period_from=FROM, period_to=TO))
    )
    sheet = book.active
    assert sheet is not None
    table = {
        sheet.cell(row=r, column=1).value: [sheet.cell(row=r, column=c) for c in range(1, 10)]
        for r in range(5, 5 + len(rows) + 1)
    }

    # then
    a = table["Sở Thông tin và Truyền thông"]
    assert [c.value for c in a[1:7]] == [2, 5, 3, 6, 5, 11]
    assert a[7].value == pytest.approx(5 / 11)
    assert a[7].number_format == "0.0%"
    assert a[8].value == 2
    total = table["Tổng số"]
    assert [c.value for c in total[5:7]] == [7, 13]
    assert table["=HYPERLINK(1)"][0].data_type == "s"
    assert table["=HYPERLINK(1)"][0].quotePrefix
    texts = [sheet.cell(row=r, column=1).value for r in range(1, sheet.max_row + 1)]
    assert any("Mật, Tối mật, Tuyệt mật" in str(t) for t in texts)
