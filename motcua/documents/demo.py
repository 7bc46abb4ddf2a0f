"""The Cà Mau demo's official documents: the agency directory (our organisations and a few
outside agencies, marked as demo data), the registers, and documents in every queue a demo
login has: a decision from a ministry to register and assign, one assigned to the specialist,
a draft to review and one to sign. Idempotent (nothing is added when documents exist)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.accounts.models import User
from motcua.documents.enums import Channel, DocumentType, RegisterKind, Source, Urgency
from motcua.documents.models import Agency, IncomingDocument, OutgoingDocument
from motcua.documents.numbering import register_for
from motcua.documents.services import incoming, outgoing
from motcua.documents.services.incoming import IncomingFields
from motcua.documents.services.outgoing import FileInput, RecipientInput
from motcua.organisations.models import Organisation

JUSTICE = "000.00.08.H12"
FINANCE = "000.00.03.H12"

# Outside agencies (demo: the codes are not their real ones).
OUTSIDE: tuple[tuple[str, str, str, str], ...] = (
    ("000.00.00.G12", "Bộ Tư pháp", Channel.AXIS, ""),
    ("000.00.00.G01", "Văn phòng Chính phủ", Channel.AXIS, ""),
    ("000.00.00.H01", "Ủy ban nhân dân tỉnh An Giang", Channel.EMAIL, "vanthu@angiang.example.vn"),
    ("BAOCAMAU", "Báo Cà Mau", Channel.PAPER, ""),
)


def _pdf(title: str) -> bytes:
    """A one-page text PDF standing for a scanned paper document."""
    from weasyprint import HTML

    html = (
        "<html><body style='font-family: Liberation Serif'>"
        "<p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p>"
        f"<h1>{title}</h1><p>(Bản quét minh họa của dữ liệu mẫu.)</p></body></html>"
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def agencies_sync_ours() -> int:
    """Every organisation of ours is in the directory (reached within this system)."""
    created = 0
    for org in Organisation.objects.filter(valid_to__isnull=True):
        _agency, made = Agency.objects.update_or_create(
            organisation=org,
            defaults={
                "organ_id": org.agency_code,
                "name": org.name,
                "channel": Channel.INTERNAL,
                "source": "ours",
                "email": org.email,
            },
        )
        created += int(made)
    return created


@transaction.atomic
def documents_load_demo() -> dict[str, Any]:
    agencies = agencies_sync_ours()
    for organ_id, name, channel, email in OUTSIDE:
        Agency.objects.get_or_create(
            organ_id=organ_id,
            defaults={"name": name, "channel": channel, "email": email, "source": "demo"},
        )
    justice = Organisation.objects.filter(agency_code=JUSTICE).first()
    finance = Organisation.objects.filter(agency_code=FINANCE).first()
    if justice is None or finance is None:
        return {"documents_agencies": agencies}
    for org in (justice, finance):
        for kind in RegisterKind.values:
            for secret in (False, True):
                register_for(org, kind, secret=secret)
    if IncomingDocument.objects.exists() or OutgoingDocument.objects.exists():
        return {"documents_agencies": agencies}
    users = {u.username: u for u in User.objects.filter(username__endswith=".stp")}
    clerk, leader, specialist = users["vanthu.stp"], users["lanhdao.stp"], users["chuyenvien.stp"]
    today = timezone.localdate()

    incoming.incoming_register_paper(
        actor=clerk,
        organisation=justice,
        fields=IncomingFields(
            sender_name="Bộ Tư pháp",
            sender_organ_id="000.00.00.G12",
            code_number="1520",
            code_notation="QĐ-BTP",
            issued_date=today - dt.timedelta(days=5),
            document_type=DocumentType.QUYET_DINH,
            subject="Về việc ban hành Kế hoạch kiểm tra công tác hộ tịch năm 2027",
            signer_name="Nguyễn Thanh Tịnh",
            signer_position="Thứ trưởng",
            urgency=Urgency.URGENT,
        ),
        files=[FileInput("1520-QD-BTP.pdf", _pdf("QUYẾT ĐỊNH 1520/QĐ-BTP"), "application/pdf")],
    )
    assigned = incoming.incoming_register_paper(
        actor=clerk,
        organisation=justice,
        fields=IncomingFields(
            sender_name="Sở Tài chính tỉnh Cà Mau",
            sender_organ_id=FINANCE,
            code_number="845",
            code_notation="STC-NS",
            issued_date=today - dt.timedelta(days=3),
            document_type=DocumentType.CONG_VAN,
            subject="Về việc lập dự toán ngân sách năm 2027",
        ),
        files=[FileInput("845-STC-NS.pdf", _pdf("CÔNG VĂN 845/STC-NS"), "application/pdf")],
    )
    incoming.incoming_assign(
        actor=leader,
        document=assigned,
        lead_unit=justice,
        lead_official=specialist,
        deadline=today + dt.timedelta(days=7),
        instructions="Đề nghị chuyên viên tham mưu văn bản trả lời Sở Tài chính.",
    )
    incoming.incoming_create_received(
        organisation=justice,
        source=Source.EMAIL,
        channel=Channel.EMAIL,
        sender_email="vanthu@angiang.example.vn",
        fields=IncomingFields(
            sender_name="Ủy ban nhân dân tỉnh An Giang",
            code_number="77",
            code_notation="UBND-NC",
            subject="Về việc phối hợp xác minh thông tin hộ tịch",
        ),
        files=[FileInput("77-UBND-NC.pdf", _pdf("CÔNG VĂN 77/UBND-NC"), "application/pdf")],
    )
    draft = outgoing.outgoing_create(
        actor=specialist,
        organisation=justice,
        document_type=DocumentType.CONG_VAN,
        unit_abbreviation="HCTP",
        subject="Về việc góp ý dự toán ngân sách năm 2027",
        content="Sở Tư pháp góp ý dự toán ngân sách năm 2027 như sau: …",
        signer=leader,
        recipients=[RecipientInput(organisation=finance)],
        response_for=assigned,
    )
    outgoing.outgoing_submit(actor=specialist, document=draft)
    plan = outgoing.outgoing_create(
        actor=specialist,
        organisation=justice,
        document_type=DocumentType.KE_HOACH,
        subject="Kế hoạch kiểm tra công tác hộ tịch năm 2027 trên địa bàn tỉnh",
        content="Thực hiện Quyết định số 1520/QĐ-BTP của Bộ Tư pháp, Sở Tư pháp ban hành kế hoạch…",
        signer=leader,
        reviewers=[leader],
        recipients=[
            RecipientInput(organisation=finance),
            RecipientInput(agency=Agency.objects.get(organ_id="BAOCAMAU")),
        ],
    )
    outgoing.outgoing_submit(actor=specialist, document=plan)  # waits for the leader's review
    return {
        "documents_agencies": agencies,
        "documents_incoming": IncomingDocument.objects.count(),
        "documents_outgoing": OutgoingDocument.objects.filter(pk__in=[draft.pk, plan.pk]).count(),
    }


def documents_demo_issue() -> dict[str, Any]:
    """After the development PKI: one decision of Sở Tư pháp signed, numbered, sealed and
    issued to Sở Tài chính (received there at once) and to the newspaper (on paper), so the
    registers, the delivery tracking and Sở Tài chính's incoming queue have a real example.
    Idempotent: nothing is done when an issued document exists."""
    from motcua.documents.enums import OutgoingState

    if OutgoingDocument.objects.filter(state=OutgoingState.ISSUED).exists():
        return {"documents_issued": 0}
    justice = Organisation.objects.filter(agency_code=JUSTICE).first()
    finance = Organisation.objects.filter(agency_code=FINANCE).first()
    users = {u.username: u for u in User.objects.filter(username__endswith=".stp")}
    if justice is None or finance is None or len(users) < 3:
        return {"documents_issued": 0}
    clerk, leader, specialist = users["vanthu.stp"], users["lanhdao.stp"], users["chuyenvien.stp"]
    decision = outgoing.outgoing_create(
        actor=specialist,
        organisation=justice,
        document_type=DocumentType.QUYET_DINH,
        subject="Về việc kiện toàn Tổ kiểm tra công tác hộ tịch năm 2027",
        content=(
            "Căn cứ Quyết định số 1520/QĐ-BTP của Bộ trưởng Bộ Tư pháp;\n"
            "Điều 1. Kiện toàn Tổ kiểm tra công tác hộ tịch năm 2027 của Sở Tư pháp.\n"
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."
        ),
        signer=leader,
        signer_competence="KT.",
        recipients=[
            RecipientInput(organisation=finance),
            RecipientInput(agency=Agency.objects.get(organ_id="BAOCAMAU")),
        ],
    )
    decision = outgoing.outgoing_submit(actor=specialist, document=decision)
    decision = outgoing.outgoing_sign(actor=leader, document=decision)
    decision = outgoing.outgoing_number(actor=clerk, document=decision)
    decision = outgoing.outgoing_seal(actor=clerk, document=decision)
    decision = outgoing.outgoing_issue(actor=clerk, document=decision)
    return {"documents_issued": 1, "documents_issued_number": decision.number_notation}
