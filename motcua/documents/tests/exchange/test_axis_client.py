"""The axis client against the stand-in axis (a real HTTP server on 127.0.0.1)."""

from __future__ import annotations

import io

import pytest
import requests

from motcua.documents.exchange.axis import AxisClient, AxisConfig, AxisError, AxisNotConfigured
from motcua.documents.exchange.signing import sha256_hex
from motcua.documents.tests.exchange.axis_standin import AxisStandin

PROVINCE = "000.00.00.H12"  # UBND tỉnh Cà Mau, on our system
DEPARTMENT = "000.00.01.H12"  # a department on our system
MINISTRY = "000.00.00.G22"  # an agency on another system
PACKAGE = b'<?xml version="1.0" encoding="UTF-8"?><edXML:edXMLEnvelope/>'

AGENCIES = [
    {"code": PROVINCE, "name": "UBND tỉnh Cà Mau", "parentCode": "", "email": "ubnd@camau.gov.vn"},
    {"code": DEPARTMENT, "name": "Sở Tư pháp", "parentCode": PROVINCE, "phone": "0290 3831"},
    {"code": "", "name": "a row without a code is skipped"},
]


@pytest.fixture
def axis():
    with AxisStandin(
        systems={
            "motcua-camau": ("secret-camau", {PROVINCE, DEPARTMENT}),
            "ministry-system": ("secret-ministry", {MINISTRY}),
        },
        agencies=AGENCIES,
    ) as standin:
        yield standin


def client_for(axis: AxisStandin, system_id: str = "motcua-camau", secret: str = ""):
    secret = secret or "secret-camau"
    return AxisClient(AxisConfig(url=axis.url, system_id=system_id, secret=secret))


def test_send_list_get_acknowledge_and_list_sent(axis):
    ours, ministry = client_for(axis), client_for(axis, "ministry-system", "secret-ministry")
    # given the ministry sends a package to the province and the department
    doc_id = ministry.send_edoc(PACKAGE, from_organ=MINISTRY, to_organs=[PROVINCE, DEPARTMENT])

    # when the province lists what it received and downloads it
    received = ours.get_received_edoc_list(organ_id=PROVINCE)
    assert [(r.doc_id, r.from_organ, r.message_type) for r in received] == [
        (doc_id, MINISTRY, "edoc")
    ]
    into = io.BytesIO()
    digest = ours.get_edoc(doc_id, organ_id=PROVINCE, into=into)
    assert into.getvalue() == PACKAGE
    assert digest == sha256_hex(PACKAGE)

    # and acknowledges it as taken
    ours.update_status(doc_id, organ_id=PROVINCE, status="done")

    # then it leaves the province's list but not the department's
    assert ours.get_received_edoc_list(organ_id=PROVINCE) == []
    assert [r.doc_id for r in ours.get_received_edoc_list(organ_id=DEPARTMENT)] == [doc_id]
    # and the sender sees the transport status per recipient
    ours.update_status(doc_id, organ_id=DEPARTMENT, status="fail", error_desc="không đọc được")
    (sent,) = ministry.get_sent_edoc_list(organ_id=MINISTRY)
    assert sent.doc_id == doc_id
    assert dict(sent.recipients) == {PROVINCE: "done", DEPARTMENT: "fail"}
    assert axis.edocs[doc_id].error[DEPARTMENT] == "không đọc được"


def test_status_packages_travel_in_their_own_list(axis):
    ours = client_for(axis)
    axis.deposit(b"<status/>", from_organ=MINISTRY, to_organs=[PROVINCE], message_type="status")
    assert ours.get_received_edoc_list(organ_id=PROVINCE, message_type="edoc") == []
    (status,) = ours.get_received_edoc_list(organ_id=PROVINCE, message_type="status")
    assert status.message_type == "status"
    assert ours.get_edoc_bytes(status.doc_id, organ_id=PROVINCE) == b"<status/>"

    doc_id = ours.send_edoc(
        b"<status/>", from_organ=PROVINCE, to_organs=[MINISTRY], message_type="status"
    )
    assert axis.edocs[doc_id].message_type == "status"


def test_a_package_is_streamed_from_a_file(axis, tmp_path):
    # given a package on disk, larger than one read chunk
    path = tmp_path / "package.edxml"
    payload = PACKAGE + b"<!--" + b"x" * (3 * 1024 * 1024) + b"-->"
    path.write_bytes(payload)
    # when it is sent from the open file
    with path.open("rb") as handle:
        doc_id = client_for(axis).send_edoc(handle, from_organ=PROVINCE, to_organs=[MINISTRY])
    # then the axis holds exactly those bytes, and the signature covered them
    assert axis.edocs[doc_id].body == payload
    assert axis.requests_seen[-1] == ("POST", "sendEdoc", "motcua-camau")


def test_agency_list(axis):
    agencies = client_for(axis).get_agency_list()
    assert [(a.code, a.name, a.parent_code) for a in agencies] == [
        (PROVINCE, "UBND tỉnh Cà Mau", ""),
        (DEPARTMENT, "Sở Tư pháp", PROVINCE),
    ]
    assert agencies[0].email == "ubnd@camau.gov.vn"
    assert agencies[1].phone == "0290 3831"


def test_a_wrong_secret_is_refused_and_not_retryable(axis):
    with pytest.raises(AxisError) as caught:
        client_for(axis, secret="wrong").get_agency_list()
    assert caught.value.status == 401
    assert not caught.value.retryable
    assert axis.requests_seen[-1] == ("GET", "getAgencyList", "bad_signature")


def test_a_system_cannot_read_another_systems_organs(axis):
    with pytest.raises(AxisError) as caught:
        client_for(axis).get_received_edoc_list(organ_id=MINISTRY)
    assert caught.value.status == 403
    assert caught.value.code == "forbidden"
    assert not caught.value.retryable


def test_an_unavailable_axis_is_retryable(axis):
    axis.fail_next(1, status=503)
    with pytest.raises(AxisError) as caught:
        client_for(axis).get_agency_list()
    assert caught.value.retryable
    assert client_for(axis).get_agency_list()  # the next call goes through


def test_an_unreachable_axis_is_retryable():
    with AxisStandin(systems={}) as gone:
        url = gone.url
    config = AxisConfig(url=url, system_id="s", secret="k", connect_timeout=2, read_timeout=2)
    with pytest.raises(AxisError) as caught:
        AxisClient(config).get_agency_list()
    assert caught.value.retryable


def test_each_request_is_signed_afresh(axis):
    # a client reusing a nonce would be refused as a replay: two calls in the same second pass
    client = client_for(axis)
    client.get_agency_list()
    client.get_agency_list()
    assert [seen[2] for seen in axis.requests_seen] == ["motcua-camau", "motcua-camau"]


def test_a_replayed_request_is_refused_by_the_axis(axis):
    # given a request captured on the wire
    captured: list[requests.PreparedRequest] = []
    session = requests.Session()
    session.hooks["response"].append(lambda r, *a, **k: captured.append(r.request))
    AxisClient(
        AxisConfig(url=axis.url, system_id="motcua-camau", secret="secret-camau"), session=session
    ).send_edoc(PACKAGE, from_organ=PROVINCE, to_organs=[MINISTRY])
    # when it is sent again as it was
    replay = requests.Session().send(captured[0], timeout=5)
    # then the axis refuses it and stores nothing more
    assert replay.status_code == 401
    assert axis.requests_seen[-1] == ("POST", "sendEdoc", "replay")
    assert len(axis.edocs) == 1


def test_a_tampered_package_is_refused_by_the_axis(axis):
    captured: list[requests.PreparedRequest] = []
    session = requests.Session()
    session.hooks["response"].append(lambda r, *a, **k: captured.append(r.request))
    client = AxisClient(
        AxisConfig(url=axis.url, system_id="motcua-camau", secret="secret-camau"), session=session
    )
    axis.fail_next(1, status=503)  # the original never reaches the verifier
    with pytest.raises(AxisError):
        client.send_edoc(PACKAGE, from_organ=PROVINCE, to_organs=[MINISTRY])
    tampered = captured[0].copy()
    tampered.prepare_body(PACKAGE.replace(b"Envelope", b"Envelopf"), None)
    answer = requests.Session().send(tampered, timeout=5)
    assert answer.status_code == 401
    assert axis.requests_seen[-1] == ("POST", "sendEdoc", "body_mismatch")
    assert axis.edocs == {}


def test_configuration_from_the_environment(monkeypatch):
    monkeypatch.setenv("MOTCUA_AXIS_URL", "https://lgsp.camau.gov.vn/edoc/")
    monkeypatch.setenv("MOTCUA_AXIS_SYSTEM_ID", "motcua-camau")
    monkeypatch.setenv("MOTCUA_AXIS_SECRET", "s3cret")
    config = AxisConfig.from_env()
    assert (config.url, config.system_id, config.secret) == (
        "https://lgsp.camau.gov.vn/edoc",
        "motcua-camau",
        "s3cret",
    )
    assert "s3cret" not in repr(config)


def test_missing_configuration_names_what_is_missing(monkeypatch, settings):
    for name in ("URL", "SYSTEM_ID", "SECRET"):
        monkeypatch.delenv(f"MOTCUA_AXIS_{name}", raising=False)
    settings.MOTCUA_AXIS_URL = "https://lgsp.camau.gov.vn/edoc"
    with pytest.raises(AxisNotConfigured) as caught:
        AxisConfig.from_env()
    assert "MOTCUA_AXIS_SYSTEM_ID" in str(caught.value)
    assert "MOTCUA_AXIS_URL" not in str(caught.value)
