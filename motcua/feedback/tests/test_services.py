"""Ratings and feedback through their services (DOMAIN §7, PAKN)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from motcua.core.audit_models import AuditRecord
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.dossiers.enums import DossierStatus as S
from motcua.feedback import selectors, services
from motcua.feedback.enums import CRITERIA_FIELDS, FeedbackStatus, RatingBand, band_for
from motcua.feedback.models import Feedback, Rating
from motcua.feedback.tests.factories import (
    dossier_delivered,
    dossier_online,
    dossier_received,
    dossier_result_ready,
)

pytestmark = pytest.mark.django_db

FULL = dict.fromkeys(CRITERIA_FIELDS, 2)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (18, RatingBand.EXCELLENT),
        (16, RatingBand.EXCELLENT),
        (15, RatingBand.GOOD),
        (12, RatingBand.GOOD),
        (11, RatingBand.FAIR),
        (9, RatingBand.FAIR),
        (8, RatingBand.AVERAGE),
        (6, RatingBand.AVERAGE),
        (5, RatingBand.WEAK),
        (0, RatingBand.WEAK),
    ],
)
def test_bands_of_the_evaluation_sheet(total, band):
    assert band_for(total) == band


@pytest.mark.parametrize("total", [-1, 19])
def test_band_outside_the_sheet_is_refused(total):
    with pytest.raises(ValueError):
        band_for(total)


def test_owner_rates_a_ready_result_with_the_sheet(world):
    # given
    d = dossier_result_ready(world)
    scores = {**FULL, "score_attitude": 1, "score_online": 0}
    # when
    rating = services.rating_create(
        actor=world.citizen, dossier=d, level="satisfied", criteria=scores, comment=" Nhanh "
    )
    # then
    assert rating.level == "satisfied"
    assert rating.total == 15 and rating.band == RatingBand.GOOD and rating.has_sheet
    assert rating.comment == "Nhanh"
    assert AuditRecord.objects.filter(action="rating_create", object_id=str(rating.pk)).exists()


def test_rating_without_the_sheet_keeps_no_total(world):
    d = dossier_delivered(world)
    rating = services.rating_create(
        actor=world.citizen, dossier=d, level="very_satisfied", criteria={}
    )
    assert rating.total is None and rating.band == "" and not rating.has_sheet


@pytest.mark.parametrize("stage", [dossier_online, dossier_received], ids=["submitted", "received"])
def test_rating_before_the_result_is_refused(world, stage):
    d = stage(world)
    with pytest.raises(PermissionDenied):
        services.rating_create(actor=world.citizen, dossier=d, level="satisfied")


@pytest.mark.parametrize("who", ["counter", "specialist", "outsider", "admin"])
def test_only_the_owner_rates(world, who):
    d = dossier_result_ready(world)
    with pytest.raises(PermissionDenied):
        services.rating_create(actor=getattr(world, who), dossier=d, level="satisfied")


def test_a_dossier_is_rated_once(world):
    d = dossier_result_ready(world)
    services.rating_create(actor=world.citizen, dossier=d, level="satisfied")
    with pytest.raises(Conflict):
        services.rating_create(actor=world.citizen, dossier=d, level="dissatisfied")
    assert Rating.objects.filter(dossier=d).count() == 1


@pytest.mark.parametrize(
    ("criteria", "bad_field"),
    [
        ({"score_total_time": 2}, "score_agency_time"),  # partial sheet
        ({**FULL, "score_desk": 3}, "score_desk"),
        ({**FULL, "score_desk": "x"}, "score_desk"),
        ({**FULL, "score_unknown": 1}, "score_unknown"),
    ],
)
def test_a_sheet_is_whole_and_each_score_0_to_2(world, criteria, bad_field):
    d = dossier_result_ready(world)
    with pytest.raises(ValidationFailed) as err:
        services.rating_create(actor=world.citizen, dossier=d, level="satisfied", criteria=criteria)
    assert bad_field in err.value.fields


def test_unknown_level_is_refused(world):
    d = dossier_result_ready(world)
    with pytest.raises(ValidationFailed) as err:
        services.rating_create(actor=world.citizen, dossier=d, level="meh")
    assert "level" in err.value.fields


def test_the_database_refuses_a_partial_sheet(world):
    d = dossier_result_ready(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(dossier=d, level="satisfied", score_desk=2, total=2, band="weak")


def test_feedback_by_the_owner_and_the_answer_by_an_official(
    world, django_capture_on_commit_callbacks
):
    # given
    d = dossier_received(world)
    feedback = services.feedback_create(
        actor=world.citizen, dossier=d, text="  Xin hỏi bao giờ có kết quả?  "
    )
    assert feedback.status == FeedbackStatus.OPEN and feedback.text.startswith("Xin")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        answered = services.feedback_answer(
            actor=world.specialist, feedback=feedback, answer="Thứ Hai tuần sau."
        )
    # then
    assert answered.status == FeedbackStatus.ANSWERED
    assert answered.answered_by == world.specialist and answered.answered_at is not None
    assert len(mail.outbox) >= 1 and mail.outbox[-1].to == [world.citizen.email]
    assert "Thứ Hai" in mail.outbox[-1].body
    assert AuditRecord.objects.filter(action="feedback_answer").exists()


def test_feedback_only_from_the_owner_and_not_empty(world):
    d = dossier_received(world)
    with pytest.raises(PermissionDenied):
        services.feedback_create(actor=world.counter, dossier=d, text="x")
    with pytest.raises(ValidationFailed):
        services.feedback_create(actor=world.citizen, dossier=d, text="   ")
    with pytest.raises(ValidationFailed):
        services.feedback_create(actor=world.citizen, dossier=d, text="x" * 4001)


@pytest.mark.parametrize("who", ["outsider", "citizen"])
def test_answer_only_by_officials_of_the_dossiers_units(world, who):
    d = dossier_received(world)
    feedback = services.feedback_create(actor=world.citizen, dossier=d, text="?")
    with pytest.raises(PermissionDenied):
        services.feedback_answer(actor=getattr(world, who), feedback=feedback, answer="!")


def test_answer_once_and_not_empty(world):
    d = dossier_received(world)
    feedback = services.feedback_create(actor=world.citizen, dossier=d, text="?")
    with pytest.raises(ValidationFailed):
        services.feedback_answer(actor=world.counter, feedback=feedback, answer=" ")
    services.feedback_answer(actor=world.counter, feedback=feedback, answer="!")
    with pytest.raises(Conflict):
        services.feedback_answer(actor=world.leader, feedback=feedback, answer="again")


def test_officials_see_the_feedback_of_their_units_only(world):
    d = dossier_received(world)
    feedback = services.feedback_create(actor=world.citizen, dossier=d, text="?")
    assert list(selectors.feedback_list_for_official(world.specialist)) == [feedback]
    assert list(selectors.feedback_list_for_official(world.counter)) == [feedback]
    assert list(selectors.feedback_list_for_official(world.admin)) == [feedback]
    assert list(selectors.feedback_list_for_official(world.outsider)) == []
    assert list(selectors.feedback_list_for_official(world.citizen)) == []
    assert list(selectors.feedback_list_for_official(world.specialist, status="answered")) == []


def test_rating_shares_by_receiving_unit(world):
    a = dossier_result_ready(world)
    b = dossier_result_ready(world)
    services.rating_create(actor=world.citizen, dossier=a, level="satisfied")
    services.rating_create(actor=world.citizen, dossier=b, level="dissatisfied")
    shares = selectors.rating_shares_by_unit()
    assert shares[world.desk.pk] == {
        "very_satisfied": 0,
        "satisfied": 1,
        "dissatisfied": 1,
        "total": 2,
    }
    assert a.status == S.RESULT_READY
    assert Feedback.objects.count() == 0


def test_dissatisfied_dossiers_are_those_rated_dissatisfied_or_with_feedback(world):
    # given three dossiers: one rated dissatisfied, one with feedback, one rated satisfied
    unhappy = dossier_result_ready(world)
    services.rating_create(actor=world.citizen, dossier=unhappy, level="dissatisfied")
    complained = dossier_result_ready(world)
    services.feedback_create(actor=world.citizen, dossier=complained, text="Chậm trả kết quả")
    happy = dossier_result_ready(world)
    services.rating_create(actor=world.citizen, dossier=happy, level="satisfied")
    # when / then
    ids = [unhappy.pk, complained.pk, happy.pk]
    assert selectors.dissatisfied_dossier_ids(ids) == {unhappy.pk, complained.pk}
    assert selectors.dissatisfied_dossier_ids([]) == set()
    # a period's worth of ids (read the other way round) gives the same answer
    many = [*ids, *range(10**9, 10**9 + selectors.LARGE_SET)]
    assert selectors.dissatisfied_dossier_ids(many) == {unhappy.pk, complained.pk}
    assert selectors.dissatisfied_dossier_ids([*ids[2:], *many[3:]]) == set()
