"""Every write of ratings and feedback: lock, check permission, validate, write, audit, defer
side effects (STYLE)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.errors import Conflict, ValidationFailed
from motcua.dossiers.models import Dossier
from motcua.feedback import policies
from motcua.feedback.enums import (
    CRITERIA_FIELDS,
    POINTS_PER_CRITERION,
    FeedbackStatus,
    RatingLevel,
    band_for,
)
from motcua.feedback.models import Feedback, Rating

log = logging.getLogger(__name__)
MAX_TEXT = 4000


def _clean_criteria(criteria: Mapping[str, Any] | None) -> dict[str, int] | None:
    """All nine scores (0–2 each) or none; None/empty means no sheet."""
    if not criteria or all(v in (None, "") for v in criteria.values()):
        return None
    unknown = sorted(set(criteria) - set(CRITERIA_FIELDS))
    if unknown:
        raise ValidationFailed(
            _("Unknown criteria: %(names)s") % {"names": ", ".join(unknown)},
            fields={name: _("unknown criterion") for name in unknown},
        )
    scores: dict[str, int] = {}
    problems: dict[str, str] = {}
    for name in CRITERIA_FIELDS:
        raw = criteria.get(name)
        if raw in (None, ""):
            problems[name] = _("give 0, 1 or 2 points")
            continue
        try:
            value = int(str(raw))
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= POINTS_PER_CRITERION:
            problems[name] = _("give 0, 1 or 2 points")
            continue
        scores[name] = value
    if problems:
        raise ValidationFailed(
            _("Score every criterion of the evaluation sheet (0, 1 or 2 points), or none."),
            fields=problems,
        )
    return scores


@transaction.atomic
def rating_create(
    *,
    actor: Any,
    dossier: Dossier,
    level: str,
    criteria: Mapping[str, Any] | None = None,
    comment: str = "",
) -> Rating:
    """The applicant rates a dossier whose result is ready or delivered, once."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    policies.ensure_can_rate(actor, dossier)
    if level not in RatingLevel.values:
        raise ValidationFailed(_("Choose how satisfied you are."), fields={"level": _("required")})
    scores = _clean_criteria(criteria)
    if Rating.objects.filter(dossier=dossier).exists():
        raise Conflict(_("You have already rated this dossier."), code="already_rated")
    rating = Rating(dossier=dossier, author=actor, level=level, comment=comment.strip()[:MAX_TEXT])
    if scores is not None:
        for name, value in scores.items():
            setattr(rating, name, value)
        rating.total = sum(scores.values())
        rating.band = band_for(rating.total)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:  # a concurrent first rating won
        raise Conflict(_("You have already rated this dossier."), code="already_rated") from exc
    audit_record(
        action="rating_create",
        obj=rating,
        actor=actor,
        changes={"dossier": dossier.code, "level": level, "total": rating.total},
    )
    return rating


@transaction.atomic
def feedback_create(*, actor: Any, dossier: Dossier, text: str) -> Feedback:
    """The applicant writes feedback (phản ánh, kiến nghị) about one of their dossiers."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    policies.ensure_can_send_feedback(actor, dossier)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Write your feedback."), fields={"text": _("required")})
    if len(text) > MAX_TEXT:
        raise ValidationFailed(
            _("Feedback can be at most %(n)d characters long.") % {"n": MAX_TEXT},
            fields={"text": _("too long")},
        )
    feedback = Feedback.objects.create(dossier=dossier, author=actor, text=text)
    audit_record(
        action="feedback_create", obj=feedback, actor=actor, changes={"dossier": dossier.code}
    )
    return feedback


@transaction.atomic
def feedback_answer(*, actor: Any, feedback: Feedback, answer: str) -> Feedback:
    """An official of the dossier's units answers; the author is told by e-mail."""
    feedback = (
        Feedback.objects.select_for_update(of=("self",))
        .select_related(
            "dossier",
            "dossier__receiving_unit",
            "dossier__processing_unit",
            "dossier__current_unit",
            "author",
        )
        .get(pk=feedback.pk)
    )
    policies.ensure_can_answer_feedback(actor, feedback)
    if feedback.status != FeedbackStatus.OPEN:
        raise Conflict(_("This feedback has already been answered."), code="already_answered")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed(_("Write the answer."), fields={"answer": _("required")})
    if len(answer) > MAX_TEXT:
        raise ValidationFailed(
            _("The answer can be at most %(n)d characters long.") % {"n": MAX_TEXT},
            fields={"answer": _("too long")},
        )
    feedback.answer = answer
    feedback.status = FeedbackStatus.ANSWERED
    feedback.answered_by = actor
    feedback.answered_at = timezone.now()
    feedback.save(update_fields=["answer", "status", "answered_by", "answered_at"])
    audit_record(
        action="feedback_answer",
        obj=feedback,
        actor=actor,
        changes={"status": ["open", "answered"]},
    )
    email = feedback.author.email if feedback.author else ""
    if email:
        code = feedback.dossier.code
        transaction.on_commit(lambda: _mail_answer(email, code, answer))
    return feedback


def _mail_answer(email: str, code: str, answer: str) -> None:
    subject = _("Answer to your feedback about dossier %(code)s") % {"code": code}
    try:
        send_mail(subject, answer, None, [email], fail_silently=False)
    except Exception as exc:  # the answer is on the dossier page anyway
        log.warning("feedback answer mail to %s failed: %s", email, exc)
