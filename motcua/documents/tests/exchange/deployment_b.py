"""The second MotCua deployment of the two-deployment test, run as separate processes with
their own SQLite database: `python -m motcua.documents.tests.exchange.deployment_b COMMAND JSON`
with DJANGO_SETTINGS_MODULE and SQLITE_PATH of deployment B set by the test.

    seed     B's agency with a unit and its officials; the partner deployment (A) as a peer and
             its agency in the directory
    process  what B's people do with the document A sent: the leader assigns it, the specialist
             starts on it, B answers it with a letter to A, the specialist finishes it
    report   B's side as JSON, for the test's assertions

Each command prints one JSON object on its last line of output.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def seed(config: dict[str, Any]) -> dict[str, Any]:
    from motcua.accounts.enums import Role
    from motcua.documents.enums import Channel
    from motcua.documents.models import Agency, ExchangePeer
    from motcua.documents.tests.factories import official
    from motcua.organisations.enums import OrganisationKind
    from motcua.organisations.models import Organisation

    agency = Organisation.objects.create(
        name=config["name"],
        short_name="UBND",
        kind=OrganisationKind.PROVINCE,
        agency_code=config["code"],
    )
    unit = Organisation.objects.create(
        name="Văn phòng UBND tỉnh",
        short_name="VP",
        kind=OrganisationKind.DIVISION,
        agency_code=config["unit_code"],
        parent=agency,
    )
    Agency.objects.create(
        organ_id=agency.agency_code, name=agency.name, organisation=agency, channel=Channel.PEER
    )
    peer = config["peer"]
    row = ExchangePeer.objects.create(
        name=peer["name"],
        base_url=peer["base_url"],
        system_id=peer["system_id"],
        peer_system_id=peer["peer_system_id"],
        secret_ref=peer["secret_ref"],
    )
    Agency.objects.create(
        organ_id=peer["agency_code"], name=peer["agency_name"], channel=Channel.PEER, peer=row
    )
    official(agency, Role.CLERK, username="b-clerk", full_name="Lý Thị Văn Thư")
    official(agency, Role.LEADER, username="b-leader", full_name="Trương Văn Lãnh Đạo")
    official(agency, Role.LEADER, username="b-signer", full_name="Hồ Văn Ký", position="Chủ tịch")
    official(unit, Role.SPECIALIST, username="b-specialist", full_name="Đinh Văn Chuyên Viên")
    return {"agency": agency.pk, "unit": unit.pk}


def process(config: dict[str, Any]) -> dict[str, Any]:
    from django.db import transaction

    from motcua.accounts.models import User
    from motcua.documents.enums import DocumentType, OutgoingState
    from motcua.documents.models import Agency, IncomingDocument
    from motcua.documents.services import incoming, outgoing
    from motcua.documents.services.outgoing import RecipientInput
    from motcua.organisations.models import Organisation

    users = {u.username: u for u in User.objects.filter(username__startswith="b-")}
    document = IncomingDocument.objects.get(document_id=config["document_id"])
    unit = Organisation.objects.get(agency_code=config["unit_code"])
    document = incoming.incoming_assign(
        actor=users["b-leader"], document=document, lead_unit=unit, instructions="Văn phòng xử lý"
    )
    document = incoming.incoming_note(
        actor=users["b-specialist"], document=document, text="Đang xây dựng kế hoạch", percent=50
    )
    # The answer: drafted by the specialist, signed (the PDF steps are tested in the signatures
    # module), numbered and issued by the clerk to the agency on deployment A.
    reply = outgoing.outgoing_create(
        actor=users["b-specialist"],
        organisation=document.organisation,
        document_type=DocumentType.CONG_VAN,
        unit_abbreviation="VP",
        subject="Về việc triển khai quyết định của UBND tỉnh Cà Mau",
        content="UBND tỉnh Bạc Liêu đã triển khai.",
        signer=users["b-signer"],
        recipients=[RecipientInput(agency=Agency.objects.get(organ_id=config["partner_code"]))],
        response_for=document,
    )
    with transaction.atomic():
        reply.state = OutgoingState.SIGNED
        reply.save(update_fields=["state"])
    reply = outgoing.outgoing_number(actor=users["b-clerk"], document=reply)
    with transaction.atomic():
        reply.state = OutgoingState.SEALED
        reply.save(update_fields=["state"])
    reply = outgoing.outgoing_issue(actor=users["b-clerk"], document=reply)
    document = incoming.incoming_finish(
        actor=users["b-specialist"], document=document, note="Đã trả lời bằng văn bản"
    )
    return {"reply_document_id": reply.document_id, "state": document.state}


def report(config: dict[str, Any]) -> dict[str, Any]:
    from motcua.documents.models import ExchangeMessage, IncomingDocument, OutgoingDocument

    incoming = [
        {
            "document_id": d.document_id,
            "arrival_number": d.arrival_number,
            "state": d.state,
            "channel": d.channel,
            "signature_verdict": d.signature_verdict,
            "files": sorted((f.file_name, f.sha256) for f in d.files.all()),
            "statuses_sent": [
                (s.status_code, s.sent_at is not None)
                for s in d.outbound_statuses.order_by("at", "id")
            ],
        }
        for d in IncomingDocument.objects.order_by("id")
    ]
    outgoing = [
        {
            "document_id": d.document_id,
            "recipients": [
                {
                    "organ_id": r.organ_id,
                    "status": r.status,
                    "history": list(
                        r.statuses.order_by("at", "id").values_list("status", flat=True)
                    ),
                }
                for r in d.recipients.order_by("id")
            ],
        }
        for d in OutgoingDocument.objects.order_by("id")
    ]
    log = list(ExchangeMessage.objects.order_by("id").values_list("direction", "kind", "outcome"))
    return {"incoming": incoming, "outgoing": outgoing, "log": log}


COMMANDS = {"seed": seed, "process": process, "report": report}


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from motcua.core.audit import audit_context
    from motcua.core.audit_models import Interface

    command, config = argv[1], json.loads(argv[2]) if len(argv) > 2 else {}
    with audit_context(interface=Interface.CLI):
        result = COMMANDS[command](config)
    print(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv)
