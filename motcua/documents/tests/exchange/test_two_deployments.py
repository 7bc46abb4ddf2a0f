"""Two MotCua deployments exchange a decision end to end (issue 13, "Done when").

Deployment A is this test's Django (its live server, its database); deployment B is a second
MotCua process — `manage.py runserver` on a free port with its own SQLite database, migrated
in a temporary directory, and its own agency code. A's clerk issues a decision to B's agency;
B receives and registers it, its leader assigns it, its specialist processes and answers it;
every status package and the answer travel back to A over signed HTTP requests.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

import motcua
from motcua.documents.enums import Channel, DeliveryStatus, DocumentType, IncomingState
from motcua.documents.models import Agency, ExchangeMessage, ExchangePeer, IncomingDocument
from motcua.documents.services import outgoing as svc
from motcua.documents.services.outgoing import FileInput, RecipientInput
from motcua.documents.tests.factories import world

# The development PKI of the signatures tests, the settings that trust it (autouse), and the
# signer's and the agency's certificates for factories.world(0): shared on purpose.
from motcua.documents.tests.signing.conftest import SIGNER_POSITION, doc_identities  # noqa: F401
from motcua.signatures.tests.conftest import _signature_settings, dev_pki, register  # noqa: F401

ROOT = Path(motcua.__file__).resolve().parents[1]
B_CODE = "000.00.00.H05"
B_UNIT = "000.00.01.H05"
SECRET = "secret-shared-by-camau-and-baclieu"
START_TIMEOUT = 40


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DeploymentB:
    """The second deployment's processes, all with its own environment."""

    def __init__(self, directory: Path, *, trust_roots: str, trust_crls: str) -> None:
        self.directory = directory
        self.port = _free_port()
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
            PYTHONPATH=str(ROOT),
        )

    def run(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"deployment B: {' '.join(args)} failed:\n{done.stderr[-4000:]}")
        return done.stdout

    def command(self, command: str, **config: object) -> dict:
        out = self.run(
            "-m", "motcua.documents.tests.exchange.deployment_b", command, json.dumps(config)
        )
        return json.loads(out.strip().splitlines()[-1])

    def start(self) -> None:
        self.run("manage.py", "migrate", "--noinput", "-v", "0")
        with self.log.open("wb") as log:
            self.server = subprocess.Popen(  # noqa: S603
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
                cwd=ROOT,
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
            except requests.ConnectionError:
                pass
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


@pytest.fixture
def deployment_b(tmp_path, dev_pki):  # type: ignore[no-untyped-def]  # noqa: F811
    b = DeploymentB(
        tmp_path / "b",
        trust_roots=str(dev_pki.pki.ca_cert_path),
        trust_crls=str(dev_pki.pki.crl_path),
    )
    b.directory.mkdir()
    try:
        b.start()
        yield b
    finally:
        b.stop()


def plain_pdf_bytes() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Phụ lục: danh sách cơ quan kết nối.</p>").write_pdf()


def _server_threads_finish() -> None:
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout=10)


def test_a_decision_travels_to_another_deployment_and_every_status_comes_back(
    transactional_db,
    live_server,
    deployment_b,
    doc_identities,  # noqa: F811 - the fixture imported above
    monkeypatch,
):
    # given deployment A (this process): Cà Mau, with B as a peer hosting Bạc Liêu
    monkeypatch.setenv("MOTCUA_A_PEER_SECRET", SECRET)
    w = world()
    peer_b = ExchangePeer.objects.create(
        name="MotCua Bạc Liêu",
        base_url=deployment_b.url,
        system_id="motcua-camau",
        peer_system_id="motcua-baclieu",
        secret_ref="env:MOTCUA_A_PEER_SECRET",
    )
    bac_lieu = Agency.objects.create(
        organ_id=B_CODE, name="UBND tỉnh Bạc Liêu", channel=Channel.PEER, peer=peer_b
    )
    # and deployment B: Bạc Liêu, with A as a peer hosting Cà Mau's agency
    deployment_b.command(
        "seed",
        code=B_CODE,
        unit_code=B_UNIT,
        name="Ủy ban nhân dân tỉnh Bạc Liêu",
        peer={
            "name": "MotCua Cà Mau",
            "base_url": live_server.url,
            "system_id": "motcua-baclieu",
            "peer_system_id": "motcua-camau",
            "secret_ref": "env:MOTCUA_B_PEER_SECRET",
            "agency_code": w.agency.agency_code,
            "agency_name": w.agency.name,
        },
    )

    # when A's signer signs a decision (with an appendix), the clerk numbers it, signs it for
    # the agency and issues it to Bạc Liêu
    register(doc_identities.signer, user=w.signer)
    register(doc_identities.agency, organisation=w.agency)
    appendix = FileInput("phu-luc.pdf", plain_pdf_bytes(), "application/pdf")
    decision = svc.outgoing_create(
        actor=w.drafter,
        organisation=w.agency,
        document_type=DocumentType.QUYET_DINH,
        subject="Về việc triển khai liên thông văn bản điện tử giữa hai tỉnh",
        content="Điều 1. Triển khai liên thông văn bản điện tử.\nĐiều 2. Hiệu lực từ ngày ký.",
        signer=w.signer,
        signer_position=SIGNER_POSITION,
        signer_competence="TM.",
        recipients=[RecipientInput(agency=bac_lieu)],
        attachments=[appendix],
    )
    decision = svc.outgoing_submit(actor=w.drafter, document=decision)
    decision = svc.outgoing_sign(actor=w.signer, document=decision)
    decision = svc.outgoing_number(actor=w.clerk, document=decision)
    decision = svc.outgoing_seal(actor=w.clerk, document=decision)
    decision = svc.outgoing_issue(actor=w.clerk, document=decision)

    # then B has registered it, and "arrived" and "registered" are back on A
    recipient = decision.recipients.get()
    recipient.refresh_from_db()
    assert recipient.status == DeliveryStatus.ACCEPTED, recipient.last_error
    b_side = deployment_b.command("report")
    (received,) = b_side["incoming"]
    assert received["document_id"] == decision.document_id
    assert (received["arrival_number"], received["state"], received["channel"]) == (
        1,
        IncomingState.REGISTERED,
        Channel.PEER,
    )
    assert sorted(name for name, _sha in received["files"]) == [
        f"{decision.number_notation.replace('/', '-')}.pdf",
        "phu-luc.pdf",
    ]
    # and B checked the person's and the organisation's signatures before registering it
    assert received["signature_verdict"] == "valid"

    # when B's leader assigns it, the specialist starts on it, B answers and finishes it
    result = deployment_b.command(
        "process",
        document_id=decision.document_id,
        unit_code=B_UNIT,
        partner_code=w.agency.agency_code,
    )
    assert result["state"] == IncomingState.DONE

    # then every status travelled back to A, in order, and A tracks the decision as finished
    recipient.refresh_from_db()
    history = list(recipient.statuses.order_by("at", "id").values_list("status", flat=True))
    # ("arrived" and "registered" reach A while A's delivery request is still open: they may
    # be recorded before "sent")
    assert [s for s in history if s != "sent"] == ["01", "03", "04", "05", "06"]
    assert history.count("sent") == 1
    assert recipient.status == DeliveryStatus.FINISHED
    # and B's answer is registered on A as a reply to the decision
    answer = IncomingDocument.objects.get(organisation=w.agency)
    assert answer.document_id == result["reply_document_id"]
    assert answer.in_reply_to == decision
    assert (answer.sender_organ_id, answer.channel, answer.arrival_number) == (
        B_CODE,
        Channel.PEER,
        1,
    )
    assert answer.state == IncomingState.REGISTERED
    # and A's exchange log holds every package, sent and received
    inbound = ExchangeMessage.objects.filter(direction="in")
    assert sorted(inbound.values_list("kind", "status_code", "outcome")) == sorted(
        [("status", code, "received") for code in ("01", "03", "04", "05", "06")]
        + [("edoc", "", "received")]
    )
    assert list(
        ExchangeMessage.objects.filter(direction="out", kind="edoc").values_list("outcome")
    ) == [("sent",)]

    # and on B: every status of the received decision went out, and A's "arrived" and
    # "registered" came back for B's answer
    b_side = deployment_b.command("report")
    (received,) = b_side["incoming"]
    assert received["state"] == IncomingState.DONE
    assert received["statuses_sent"] == [[code, True] for code in ("01", "03", "04", "05", "06")]
    (reply,) = b_side["outgoing"]
    (to_a,) = reply["recipients"]
    assert to_a["organ_id"] == w.agency.agency_code
    assert sorted(to_a["history"]) == ["01", "03", "sent"]
    assert to_a["status"] == DeliveryStatus.ACCEPTED
    _server_threads_finish()
