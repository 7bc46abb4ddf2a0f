"""The second MotCua deployment of the two-deployment tests, run as separate processes with
their own SQLite database: `python -m motcua.documents.tests.exchange.deployment_b COMMAND JSON`
with DJANGO_SETTINGS_MODULE and SQLITE_PATH of deployment B set by the test.

    seed     B's agency with a unit and its officials; the partner deployment (A) as a peer and
             its agency in the directory
    process  what B's people do with the document A sent: the leader assigns it, the specialist
             starts on it, B answers it with a letter to A, the specialist finishes it
    report   B's side as JSON, for the test's assertions ({"registers": true}: with B's
             registers as their downloads show them, see `registers_read`)

Each command prints one JSON object on its last line of output.

The test's side (deployment A, the test process) drives them through `DeploymentB`: it migrates
B's database, serves B with `manage.py runserver` on a free port and runs the commands; the
`deployment_b` fixture of the exchange tests' conftest hands it over, and `DeploymentB.connect`
makes the two deployments peers.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

B_CODE = "000.00.00.H05"
B_UNIT = "000.00.01.H05"
B_NAME = "Ủy ban nhân dân tỉnh Bạc Liêu"
SECRET = "secret-shared-by-camau-and-baclieu"
A_SECRET_ENV = "MOTCUA_A_PEER_SECRET"  # where deployment A (the test process) keeps the secret
START_TIMEOUT = 40


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
    from motcua.accounts.models import User
    from motcua.documents.models import ExchangeMessage, IncomingDocument, OutgoingDocument
    from motcua.organisations.models import Organisation

    incoming = [
        {
            "document_id": d.document_id,
            "number_notation": d.number_notation,
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
            "number_notation": d.number_notation,
            "response_for": d.response_for.document_id if d.response_for else None,
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
        for d in OutgoingDocument.objects.select_related("response_for").order_by("id")
    ]
    log = list(ExchangeMessage.objects.order_by("id").values_list("direction", "kind", "outcome"))
    result: dict[str, Any] = {"incoming": incoming, "outgoing": outgoing, "log": log}
    if config.get("registers"):
        result["registers"] = registers_read(
            user=User.objects.get(username="b-clerk"),
            agency=Organisation.objects.get(agency_code=config.get("code", B_CODE)),
        )
    return result


def registers_read(*, user: Any, agency: Any) -> dict[str, Any]:
    """An agency's registers of this year (outgoing, incoming, tracker) as `user` downloads
    them: the filters read as the download view reads them, the rows from the register's own
    queryset and row builder, and the lines of the .xlsx it writes, read back with openpyxl.
    Dates as ISO strings (JSON-ready: B's report and A's test compare the same shapes)."""
    import dataclasses

    from django.utils import timezone, translation
    from openpyxl import load_workbook

    from motcua.documents import registers
    from motcua.documents import selectors_registers as sel

    def plain(value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    read: dict[str, Any] = {}
    with translation.override("vi"):
        for name, spec in registers.REGISTERS.items():
            filters = sel.register_filters_parse(
                {"agency": agency.agency_code},
                kind=spec.kind,
                default_year=timezone.localdate().year,
            )
            rows = sel.register_rows(spec.rows_for(user, filters=filters), spec.row_of)
            export = registers.register_export(name, "xlsx", user=user, filters=filters)
            with export.file:
                sheet = load_workbook(io.BytesIO(export.file.read())).worksheets[0]
            values = [[plain(v) for v in line] for line in sheet.iter_rows(values_only=True)]
            numbers = next(i for i, line in enumerate(values) if line[0] == "(1)")
            read[name] = {
                "filename": export.filename,
                "rows": [{k: plain(v) for k, v in dataclasses.asdict(row).items()} for row in rows],
                "headings": values[numbers - 1],
                "lines": values[numbers + 1 :],
            }
    return read


COMMANDS = {"seed": seed, "process": process, "report": report}


# --- the test's side ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DeploymentB:
    """The second deployment's processes, all with its own environment."""

    root = Path(__file__).resolve().parents[4]  # the checkout whose code runs B

    def __init__(self, directory: Path, *, trust_roots: str, trust_crls: str) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = directory / "b.log"
        self.server: subprocess.Popen[bytes] | None = None
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "PYTEST_XDIST_WORKER", "PYTEST_CURRENT_TEST")
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="motcua.settings",
            SQLITE_PATH=str(directory / "b.sqlite3"),
            MOTCUA_VAR_DIR=str(directory),
            MEDIA_ROOT=str(directory / "media"),
            SECRET_KEY="deployment-b-" + "x" * 40,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            # B's status packages and deliveries leave as soon as their transaction commits.
            TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
            MOTCUA_B_PEER_SECRET=SECRET,
            # B verifies A's signatures against the same (development) trust anchors.
            MOTCUA_TRUST_ROOTS=trust_roots,
            MOTCUA_TRUST_CRLS=trust_crls,
            MOTCUA_REVOCATION_FETCH="0",
            MOTCUA_TSA_URL="",
            PYTHONPATH=str(self.root),
        )

    def run(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"deployment B: {' '.join(args)} failed:\n{done.stderr[-4000:]}")
        return done.stdout

    def command(self, command: str, **config: object) -> dict[str, Any]:
        out = self.run(
            "-m", "motcua.documents.tests.exchange.deployment_b", command, json.dumps(config)
        )
        result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        return result

    def start(self) -> None:
        import requests

        # (`manage.py check` has its own tests; runserver runs the checks again)
        self.run("manage.py", "migrate", "--noinput", "--skip-checks", "-v", "0")
        with self.log.open("wb") as log:
            self.server = subprocess.Popen(  # noqa: S603
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                with requests.get(f"{self.url}/api/v1/health", timeout=2) as answer:
                    if answer.status_code == 200:
                        return
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or still loading on a busy machine
            if self.server.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"deployment B did not start:\n{self.log.read_text()[-4000:]}")

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait(timeout=10)

    def connect(self, *, a_url: str, a_agency: Any) -> Any:
        """Make A (this process, serving at `a_url`, with its agency `a_agency`) and B peers:
        on A, B as an exchange peer hosting Bạc Liêu in the directory (the shared secret in
        A_SECRET_ENV, which the caller sets); on B, its agency, unit and officials, and A as a
        peer hosting A's agency. Returns A's directory entry for Bạc Liêu."""
        from motcua.documents.enums import Channel
        from motcua.documents.models import Agency, ExchangePeer

        peer_b = ExchangePeer.objects.create(
            name="MotCua Bạc Liêu",
            base_url=self.url,
            system_id="motcua-camau",
            peer_system_id="motcua-baclieu",
            secret_ref=f"env:{A_SECRET_ENV}",
        )
        bac_lieu = Agency.objects.create(
            organ_id=B_CODE, name="UBND tỉnh Bạc Liêu", channel=Channel.PEER, peer=peer_b
        )
        self.command(
            "seed",
            code=B_CODE,
            unit_code=B_UNIT,
            name=B_NAME,
            peer={
                "name": "MotCua Cà Mau",
                "base_url": a_url,
                "system_id": "motcua-baclieu",
                "peer_system_id": "motcua-camau",
                "secret_ref": "env:MOTCUA_B_PEER_SECRET",
                "agency_code": a_agency.agency_code,
                "agency_name": a_agency.name,
            },
        )
        return bac_lieu


def server_threads_finish() -> None:
    """Wait for the live server's threads still answering B (they hold database connections)."""
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout=10)


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
