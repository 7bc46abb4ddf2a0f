"""The result path after approval, through the services: prepare (with its number, given once)
→ the leader signs → the organisation signs → issue (the dossier is completed with the signed
result's number) → release, never while the dossier is still in processing."""

from __future__ import annotations

import pytest
from django.utils import translation

from motcua.accounts.enums import Role
from motcua.accounts.tests.factories import OfficialFactory
from motcua.core.errors import Conflict, ValidationFailed
from motcua.dossiers.enums import Action, DossierStatus
from motcua.signatures import services
from motcua.signatures.enums import DocumentKind, DocumentState
from motcua.signatures.tests.conftest import approve

pytestmark = pytest.mark.django_db


def _signed(w, number: str = "12/GCN-UBND"):  # type: ignore[no-untyped-def]
    document = services.signed_document_create(
        actor=w.specialist, kind=DocumentKind.RESULT, dossier=w.dossier, number_notation=number
    )
    document = services.document_sign_personal(document=document, actor=w.leader)
    return services.document_sign_organisation(document=document, actor=w.clerk)


def test_the_whole_path_reuses_the_number_of_the_signed_result(world):
    # given: an approved dossier whose result was prepared with its number and signed twice
    w = world
    approve(w)
    document = _signed(w)
    # when: the leader issues it (no number asked), the clerk releases it
    dossier = services.result_issue(document=document, actor=w.leader)
    released = services.result_release(document=document, actor=w.clerk)
    # then
    assert dossier.status == DossierStatus.RESULT_READY
    assert dossier.result_number == "12/GCN-UBND"
    complete = dossier.events.get(action=Action.COMPLETE)
    assert complete.data["result_number"] == "12/GCN-UBND"
    assert released.state == DocumentState.RELEASED
    assert dossier.events.filter(action="release_result").count() == 1


def test_release_while_in_processing_completes_the_dossier_when_the_actor_may(world):
    # given: the ward's leader who is also its clerk (as in many communes), an approved
    # dossier still "in processing", its result signed by the leader and the organisation
    w = world
    approve(w)
    both = OfficialFactory(organisation=w.ward, roles=[Role.LEADER, Role.CLERK])
    document = _signed(w)
    assert w.dossier.status == DossierStatus.IN_PROGRESS
    # when
    released = services.result_release(document=document, actor=both)
    # then: completed in the same transaction, with the signed result's number
    w.dossier.refresh_from_db()
    assert released.state == DocumentState.RELEASED
    assert w.dossier.status == DossierStatus.RESULT_READY
    assert w.dossier.result_number == "12/GCN-UBND"
    actions = list(w.dossier.events.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == [Action.COMPLETE, "release_result"]


def test_release_while_in_processing_is_refused_when_the_actor_may_not_complete(world):
    # given: the clerk may release but the result is issued by the leader (the approval step)
    w = world
    approve(w)
    document = _signed(w)
    # when
    with pytest.raises(Conflict) as err, translation.override("en"):
        services.result_release(document=document, actor=w.clerk)
    # then: a clear reason, and nothing changed
    assert err.value.code == "dossier_not_completed"
    assert "in processing" in str(err.value.message)
    document.refresh_from_db()
    w.dossier.refresh_from_db()
    assert document.state == DocumentState.ORG_SIGNED
    assert document.released_at is None
    assert w.dossier.status == DossierStatus.IN_PROGRESS
    assert not w.dossier.events.filter(action__in=[Action.COMPLETE, "release_result"]).exists()


def test_release_before_approval_is_refused(world):
    w = world  # received, not approved: nobody may complete it yet
    both = OfficialFactory(organisation=w.ward, roles=[Role.LEADER, Role.CLERK])
    document = _signed(w)
    with pytest.raises(Conflict) as err:
        services.result_release(document=document, actor=both)
    assert err.value.code == "dossier_not_completed"
    w.dossier.refresh_from_db()
    assert w.dossier.status == DossierStatus.RECEIVED


def test_issue_needs_both_signatures(world):
    w = world
    approve(w)
    draft = services.signed_document_create(
        actor=w.specialist, kind=DocumentKind.RESULT, dossier=w.dossier, number_notation="3/GCN"
    )
    with pytest.raises(Conflict) as err:
        services.result_issue(document=draft, actor=w.leader)
    assert err.value.code == "result_unsigned"
    w.dossier.refresh_from_db()
    assert w.dossier.status == DossierStatus.IN_PROGRESS


def test_issue_by_someone_who_may_not_complete_changes_nothing(world):
    from motcua.core.errors import PermissionDenied

    w = world
    approve(w)
    document = _signed(w)
    with pytest.raises(PermissionDenied):
        services.result_issue(document=document, actor=w.clerk)
    w.dossier.refresh_from_db()
    assert w.dossier.status == DossierStatus.IN_PROGRESS


def test_the_result_number_is_given_when_preparing(world):
    w = world
    approve(w)
    with pytest.raises(ValidationFailed) as err:
        services.signed_document_create(
            actor=w.specialist, kind=DocumentKind.RESULT, dossier=w.dossier, number_notation=""
        )
    assert err.value.code == "result_number_required"
    assert "number_notation" in err.value.fields


def test_a_dossier_completed_first_lends_its_number_to_the_result(world):
    from motcua.dossiers.services import dossier_complete

    # given: the dossier was completed (a paper result numbered 4/GCN-UBND)
    w = world
    approve(w)
    w.dossier = dossier_complete(dossier=w.dossier, actor=w.leader, result_number="4/GCN-UBND")
    # when: its electronic result is prepared without a number
    document = services.signed_document_create(
        actor=w.specialist, kind=DocumentKind.RESULT, dossier=w.dossier
    )
    # then: it carries the dossier's; another number is refused
    assert document.number_notation == "04/GCN-UBND"
    with pytest.raises(ValidationFailed) as err:
        services.signed_document_create(
            actor=w.specialist, kind=DocumentKind.RESULT, dossier=w.dossier, number_notation="5/X"
        )
    assert err.value.code == "result_number_differs"


def test_a_released_signed_result_counts_as_an_electronic_result(
    world, django_capture_on_commit_callbacks
):
    # given an issued result signed twice
    from motcua.reporting.models import DossierFact

    w = world
    approve(w)
    document = services.signed_document_create(
        actor=w.specialist,
        kind=DocumentKind.RESULT,
        dossier=w.dossier,
        number_notation="7/QĐ-UBND",
        title="Quyết định cấp giấy phép",
    )
    document = services.document_sign_personal(document=document, actor=w.leader)
    document = services.document_sign_organisation(document=document, actor=w.clerk)
    services.result_issue(document=document, actor=w.leader)
    assert not DossierFact.objects.get(pk=w.dossier.pk).electronic_result
    # when it is released
    with django_capture_on_commit_callbacks(execute=True):
        services.result_release(document=document, actor=w.clerk)
    # then the dossier has an electronic result (indicator 4.1 counts it)
    assert DossierFact.objects.get(pk=w.dossier.pk).electronic_result
    paper = w.dossier.components.get(kind="result")
    assert document.verification_code in paper.name and paper.digitised
