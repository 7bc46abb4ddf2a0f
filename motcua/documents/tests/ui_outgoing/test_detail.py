"""The outgoing document's page: what it shows (timeline in words, recipients and their
delivery, secrecy), the actions by state and role, and the refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.documents.enums import (
    Channel,
    Confidentiality,
    DeliveryStatus,
    OutgoingState,
)
from motcua.documents.models import DocumentEvent, OutgoingDocument
from motcua.documents.services import outgoing as services
from motcua.documents.services.outgoing import RecipientInput
from motcua.documents.tests.ui_outgoing.conftest import at_state, draft, text_of

pytestmark = pytest.mark.django_db

S = OutgoingState
RAW_CODES = ("in_review", "to_sign", "returned", "add_version", "quyet_dinh", "pending")


def detail(client: Any, document: OutgoingDocument) -> Any:
    return client.get(reverse("documents:outgoing_detail", args=[document.pk]))


def act(client: Any, document: OutgoingDocument, action: str, **data: Any) -> Any:
    return client.post(reverse("documents:outgoing_action", args=[document.pk, action]), data)


def fresh(document: OutgoingDocument) -> OutgoingDocument:
    return OutgoingDocument.objects.get(pk=document.pk)


def test_review_return_with_a_reason_then_approve(client, w):
    # given a draft sent for review
    doc = services.outgoing_submit(actor=w.drafter, document=draft(w))
    client.force_login(w.reviewer)
    page = detail(client, doc).content.decode()
    assert 'data-action="approve"' in page and 'data-action="return"' in page
    # when the reviewer returns it without a reason: refused, in Vietnamese, nothing changes
    response = act(client, doc, "return", **{"return-reason": "  "})
    assert response.status_code == 422
    assert "Trường này là bắt buộc." in text_of(response)
    assert fresh(doc).state == S.IN_REVIEW
    # with a reason: returned, and the reason is on the timeline
    response = act(client, doc, "return", **{"return-reason": "Thiếu căn cứ pháp lý"})
    assert response.status_code == 302
    assert fresh(doc).state == S.RETURNED
    client.force_login(w.drafter)
    page = client.get(response["Location"])
    assert "Trả lại để chỉnh sửa" in text_of(page) and "Thiếu căn cứ pháp lý" in text_of(page)
    # the reason heads the drafter's page, not only the timeline
    top = page.content.decode().split('id="returned"', 1)[1].split("</div>", 1)[0]
    assert "Lê Văn Duyệt trả lại để chỉnh sửa" in top and "Thiếu căn cứ pháp lý" in top
    # the drafter sends it again; the reviewer approves
    assert act(client, doc, "submit").status_code == 302
    client.force_login(w.reviewer)
    assert act(client, doc, "approve", **{"approve-note": "Trình ký"}).status_code == 302
    assert fresh(doc).state == S.TO_SIGN
    text = text_of(detail(client, doc))
    assert "Đã duyệt, trình ký" in text
    for code in RAW_CODES:
        assert code not in text


def test_comments_go_on_the_timeline(client, w):
    doc = services.outgoing_submit(actor=w.drafter, document=draft(w))
    client.force_login(w.signer)
    response = act(client, doc, "comment", **{"comment-text": "Xem lại điều 3"})
    assert response.status_code == 302
    events = DocumentEvent.objects.filter(outgoing=doc, action="comment")
    assert [e.note for e in events] == ["Xem lại điều 3"]


def test_submit_without_a_signer_is_refused_in_vietnamese(client, w):
    doc = draft(w, signer=None)
    client.force_login(w.drafter)
    response = act(client, doc, "submit")
    assert response.status_code == 422
    assert "Hãy chọn người ký văn bản." in text_of(response)
    assert fresh(doc).state == S.DRAFT


def test_a_report_viewer_sees_no_button_and_cannot_post(client, w):
    docs = {
        "draft": draft(w),
        "review": services.outgoing_submit(actor=w.drafter, document=draft(w)),
        "signed": at_state(w, S.SIGNED),
        "sealed": at_state(w, S.SEALED),
        "issued": at_state(w, S.ISSUED),
    }
    client.force_login(w.viewer)
    for doc in docs.values():
        response = detail(client, doc)
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="actions"' not in page and "data-action=" not in page
    for action, doc in (
        ("submit", docs["draft"]),
        ("comment", docs["review"]),
        ("return", docs["review"]),
        ("approve", docs["review"]),
    ):
        data = {"comment-text": "x", "return-reason": "x", "approve-note": ""}
        response = act(client, doc, action, **data)
        assert response.status_code == 403, action
        assert fresh(doc).state == doc.state
    for action, doc in (("number", docs["signed"]), ("issue", docs["sealed"])):
        response = act(client, doc, action, confirm="yes")
        assert response.status_code == 403, action
        assert fresh(doc).state == doc.state
        # the confirmation page says why and offers no button
        page = client.get(reverse("documents:outgoing_action", args=[doc.pk, action]))
        assert page.status_code == 403 and 'id="confirm-yes"' not in page.content.decode()
    assert DocumentEvent.objects.filter(actor=w.viewer).count() == 0


def test_an_official_of_another_agency_gets_404_everywhere(client, w):
    doc = draft(w)
    client.force_login(w.outsider_leader)
    urls = [
        reverse("documents:outgoing_detail", args=[doc.pk]),
        reverse("documents:outgoing_edit", args=[doc.pk]),
        reverse("documents:outgoing_action", args=[doc.pk, "sign"]),
        reverse("documents:outgoing_version_file", args=[doc.pk, 1]),
        reverse("documents:outgoing_signed_file", args=[doc.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert act(client, doc, "comment", **{"comment-text": "x"}).status_code == 404
    assert act(client, doc, "submit").status_code == 404
    assert fresh(doc).state == S.DRAFT


def test_the_clerk_numbers_after_confirming(client, w):
    doc = at_state(w, S.SIGNED)
    client.force_login(w.clerk)
    page = detail(client, doc).content.decode()
    assert 'data-action="number"' in page
    confirm = client.get(reverse("documents:outgoing_action", args=[doc.pk, "number"]))
    assert confirm.status_code == 200 and 'id="confirm-yes"' in confirm.content.decode()
    assert fresh(doc).state == S.SIGNED  # the confirmation page changes nothing
    response = act(client, doc, "number")  # a POST without confirm=yes only asks
    assert response.status_code == 200 and fresh(doc).state == S.SIGNED
    response = act(client, doc, "number", confirm="yes")
    assert response.status_code == 302
    numbered = fresh(doc)
    assert numbered.state == S.NUMBERED and numbered.number_notation == "01/QĐ-UBND"
    text = text_of(client.get(response["Location"]))
    assert "01/QĐ-UBND" in text


def test_the_clerk_issues_and_the_recipients_show_their_delivery(client, w):
    doc = at_state(w, S.SEALED)
    services._recipients_replace(doc, [RecipientInput(organisation=w.other)])
    client.force_login(w.clerk)
    confirm = client.get(reverse("documents:outgoing_action", args=[doc.pk, "issue"]))
    assert w.other.name in text_of(confirm)
    response = act(client, doc, "issue", confirm="yes")
    assert response.status_code == 302
    assert fresh(doc).state == S.ISSUED
    text = text_of(client.get(response["Location"]))
    # our own agency registered it at once: sent → arrived → registered (labels, no edXML codes)
    assert "Đã vào sổ" in text and "mã 03" not in text
    assert "Đã phát hành đến nơi nhận" in text
    # an edXML status reported later joins the recipient's history
    recipient = doc.recipients.get()
    services.recipient_record_status(
        recipient=recipient,
        status=DeliveryStatus.PROCESSING,
        description="Đang giải quyết tại phòng Tổng hợp",
        at=timezone.now() + dt.timedelta(hours=1),
    )
    page = detail(client, doc)
    text = text_of(page)
    assert "Đang xử lý" in text and "Đang giải quyết tại phòng Tổng hợp" in text
    assert "4 trạng thái" in text


def test_a_secret_document_says_so_and_explains_the_paper_channel(client, w):
    doc = draft(
        w,
        confidentiality=Confidentiality.SECRET,
        recipients=[RecipientInput(organisation=w.other), RecipientInput(name="A", email="a@x.vn")],
    )
    assert set(doc.recipients.values_list("channel", flat=True)) == {Channel.PAPER}
    client.force_login(w.drafter)
    response = detail(client, doc)
    page = response.content.decode()
    assert 'id="secret-banner"' in page
    text = text_of(response)
    assert "Mật" in text
    assert "không bao giờ được gửi điện tử" in text
    assert text.count("chỉ gửi bản giấy: văn bản mật") == 2


def test_issued_documents_offer_revocation_update_and_replacement(client, w):
    doc = at_state(w, S.ISSUED)
    client.force_login(w.drafter)
    page = detail(client, doc).content.decode()
    for slug in ("revoke", "update", "replace"):
        assert f"?business={slug}&amp;target={doc.pk}" in page
    client.force_login(w.viewer)
    assert "business=" not in detail(client, doc).content.decode()


def test_downloads_of_versions(client, w):
    doc = draft(w)
    client.force_login(w.reviewer)
    response = client.get(reverse("documents:outgoing_version_file", args=[doc.pk, 1]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK\x03\x04 draft"
    assert client.get(reverse("documents:outgoing_signed_file", args=[doc.pk])).status_code == 404


def test_signing_without_a_certificate_is_explained(client, w):
    doc = at_state(w, S.TO_SIGN)
    client.force_login(w.signer)
    assert 'data-action="sign"' in detail(client, doc).content.decode()
    response = client.get(reverse("documents:outgoing_action", args=[doc.pk, "sign"]))
    assert response.status_code == 403
    assert "chưa được cấu hình chứng thư số để ký" in text_of(response)
    assert 'id="confirm-yes"' not in response.content.decode()
