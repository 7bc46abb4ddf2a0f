"""The one action registry (issue 11.5) and `allowed_actions` agreeing with the services
(issue 12.3): what an interface offers, the service accepts; what the service refuses, no
interface offers."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from motcua.accounts.services import api_token_create
from motcua.core.errors import DomainError, PermissionDenied
from motcua.dossiers import policies, registry, services, transitions
from motcua.dossiers.enums import Action
from motcua.dossiers.enums import DossierStatus as S
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantInput, ComponentInput

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def bearer(user) -> dict[str, str]:
    _, key = api_token_create(username=user.username)
    return {"Authorization": f"Bearer {key}"}


def test_every_action_has_one_service_and_its_own_schema():
    assert set(registry.ACTIONS) == set(Action.values) - {Action.SUBMIT}
    assert set(transitions.TABLE) - {Action.RELEASE_RESULT} == registry.OFFERED
    for spec in registry.ACTIONS.values():
        # the schema takes nothing the service does not (the API's own conversions aside)
        fields = set(spec.schema.model_fields) - {"components"}
        if spec.action == Action.WITHDRAW:
            fields -= {"note"}  # read as the reason when none is given
        assert fields <= registry.parameters(spec.action) | {"at"}, spec.action
    assert str(Action(Action.RELEASE_RESULT).label) == "Trả kết quả điện tử"


def test_a_field_the_action_does_not_take_is_refused(client: Client, world):
    d = services.dossier_create(
        actor=world.counter,
        procedure_code="9.000001",
        channel=1,
        receiving_unit=world.desk,
        applicant=ApplicantInput(full_name="Trần Văn Bình", id_number="096099001122"),
    )
    resp = client.post(
        f"/api/v1/dossiers/{d.code}/actions/stop",
        data=json.dumps({"reason": "Dừng", "missing": ["Bản sao CCCD"]}),
        content_type="application/json",
        headers=bearer(world.leader),
    )
    assert resp.status_code == 422
    assert "missing" in resp.json()["error"]["fields"]
    assert Dossier.objects.get(pk=d.pk).status == S.RECEIVED
    # release_result is the signatures app's step, not an API action
    resp = client.post(
        f"/api/v1/dossiers/{d.code}/actions/release_result",
        data=json.dumps({"document_code": "X"}),
        content_type="application/json",
        headers=bearer(world.leader),
    )
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "unknown_action"


def test_openapi_documents_each_actions_own_body(client: Client):
    doc = client.get("/api/openapi.json").json()
    operation = next(
        op
        for path, ops in doc["paths"].items()
        if path.endswith("/actions/{action}")
        for op in ops.values()
    )
    bodies = operation["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    by_title = {body["title"]: body for body in bodies}
    assert set(by_title) == registry.OFFERED
    assert set(by_title["stop"]["properties"]) == {"at", "reason"}
    assert by_title["stop"]["additionalProperties"] is False
    assert "$ref" not in json.dumps(bodies)  # self-contained


# --- allowed_actions never lists an action the service would refuse -------------------------


def _args(w) -> dict[str, Callable[[Dossier], dict[str, Any]]]:
    return {
        Action.RECEIVE: lambda d: {},
        Action.REFUSE: lambda d: {"reason": "Thiếu giấy tờ"},
        Action.REQUEST_SUPPLEMENT: lambda d: {"missing": ["Bản sao CCCD"]},
        Action.SUPPLEMENT: lambda d: {
            "components": [ComponentInput(name="CCCD", file=SimpleUploadedFile("a.pdf", PDF))]
        },
        Action.FORWARD: lambda d: {"to_unit": None if _has_next(d) else w.other},
        Action.APPROVE: lambda d: {},
        Action.REQUEST_PAYMENT: lambda d: {"amount": 10000},
        Action.CONFIRM_PAYMENT: lambda d: {},
        Action.COMPLETE: lambda d: {"result_number": "1/GP"},
        Action.DELIVER: lambda d: {},
        Action.EXTEND: lambda d: {
            "reason": "Cần xác minh",
            "new_appointment_at": (d.appointment_at or d.due_at or timezone.now())
            + dt.timedelta(days=30),
        },
        Action.STOP: lambda d: {"reason": "Dừng"},
        Action.WITHDRAW: lambda d: {"reason": "Rút"},
    }


def _has_next(d: Dossier) -> bool:
    return services.dossier_position(d).has_next


def _dossiers(w) -> list[Dossier]:
    def counter(n: int) -> Dossier:
        return services.dossier_create(
            actor=w.counter,
            procedure_code="9.000001",
            channel=1,
            receiving_unit=w.desk,
            applicant=ApplicantInput(full_name=f"Người {n}", id_number=f"09600000{n:04d}"),
        )

    online = services.dossier_create(
        actor=w.citizen,
        procedure_code="9.000001",
        channel=2,
        receiving_unit=w.desk,
        applicant=ApplicantInput(full_name="Người online", id_number="096000009999"),
    )
    received = counter(1)
    forwarded = services.dossier_forward(dossier=counter(2), actor=w.specialist)
    approved = services.dossier_approve(
        dossier=services.dossier_forward(dossier=counter(3), actor=w.specialist), actor=w.leader
    )
    paused = services.dossier_request_supplement(
        dossier=counter(4), actor=w.specialist, missing=["Ảnh"]
    )
    paying = services.dossier_request_payment(dossier=counter(5), actor=w.specialist, amount=1)
    done = services.dossier_complete(
        dossier=services.dossier_approve(
            dossier=services.dossier_forward(dossier=counter(6), actor=w.specialist),
            actor=w.leader,
        ),
        actor=w.leader,
        result_number="2/GP",
    )
    mine = services.dossier_create(
        actor=w.citizen,
        procedure_code="9.000001",
        channel=2,
        receiving_unit=w.desk,
        applicant=ApplicantInput(full_name="Người online 2", id_number="096000009998"),
    )
    mine = services.dossier_receive(dossier=mine, actor=w.counter)
    mine_paused = services.dossier_request_supplement(
        dossier=mine, actor=w.specialist, missing=["Ảnh"]
    )
    return [online, received, forwarded, approved, paused, paying, done, mine_paused]


def test_allowed_actions_are_exactly_what_the_services_accept(world):
    # given dossiers in every open status and every kind of user
    w = world
    users = [w.counter, w.specialist, w.leader, w.outsider, w.admin, w.citizen]
    args = _args(w)
    mismatches = []
    for dossier in _dossiers(w):
        for user in users:
            fresh = Dossier.objects.get(pk=dossier.pk)
            listed = set(policies.actions_for(user, fresh))
            for action in sorted(registry.OFFERED):
                # when the user tries each action (rolled back)
                accepted = True
                try:
                    with transaction.atomic():
                        registry.run(
                            action,
                            dossier=Dossier.objects.get(pk=dossier.pk),
                            actor=user,
                            **args[action](fresh),
                        )
                        transaction.set_rollback(True)
                except (PermissionDenied, transitions.TransitionNotAllowed):
                    accepted = False
                except DomainError as exc:  # a value the test gave wrong: say which
                    mismatches.append((fresh.status, user.username, action, repr(exc)))
                    continue
                # then the list and the service agree
                if accepted != (action in listed):
                    mismatches.append((fresh.status, user.username, action, accepted))
    assert mismatches == []
