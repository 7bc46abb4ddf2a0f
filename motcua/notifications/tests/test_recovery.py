"""Workers die: abandoned tasks run again after the lease, messages are sent at most once."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone

from motcua.core.task_recovery import MAX_CLAIMS, tasks_recover_abandoned
from motcua.notifications.models import DeliveryState, Notification
from motcua.notifications.services import (
    message_id,
    notification_queue,
    notification_reconcile,
    notification_retry_due,
    notification_send,
)
from motcua.notifications.tasks import send_notification

pytestmark = pytest.mark.django_db
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _queue(**kw: Any) -> Notification:
    return notification_queue(
        kind="received",
        recipient="dao@example.com",
        subject="Hồ sơ 1 đã được tiếp nhận",
        body="Kính gửi …",
        **kw,
    )


def _running_task(settings: Any, started: dt.datetime, workers: int = 1) -> Any:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_BACKEND
    result = send_notification.enqueue(1)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=started, worker_ids=[f"w{i}" for i in range(workers)]
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_task_claimed_longer_than_the_lease_is_put_back_in_the_queue(settings):
    # given a task claimed 10 minutes ago by a worker that died, and one claimed just now
    settings.MOTCUA_TASK_LEASE_SECONDS = 300
    old = _running_task(settings, timezone.now() - dt.timedelta(minutes=10))
    fresh = _running_task(settings, timezone.now() - dt.timedelta(seconds=5))
    # when
    assert tasks_recover_abandoned() == (1, 0)
    # then only the abandoned one is ready to run again
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, fresh.status) == ("READY", "RUNNING")


def test_task_abandoned_by_too_many_workers_fails_instead(settings):
    task = _running_task(settings, timezone.now() - dt.timedelta(hours=1), workers=MAX_CLAIMS)
    assert tasks_recover_abandoned() == (0, 1)
    task.refresh_from_db()
    assert task.status == "FAILED" and "Abandoned by" in task.traceback


def test_sending_is_recorded_before_the_provider_is_called(monkeypatch, mailoutbox):
    # given a queued message (its task not run yet)
    note = _queue()
    seen: list[str] = []
    original = EmailBackend.send_messages

    def spy(self: Any, messages: Any) -> int:
        seen.append(Notification.objects.get(pk=note.pk).state)
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", spy)
    # when
    notification_send(notification_id=note.pk)
    # then the provider saw a row already recorded as being sent
    assert seen == [DeliveryState.SENDING]
    assert mailoutbox[0].extra_headers["Message-ID"] == message_id(note)
    assert message_id(note).startswith(f"<notification-{note.pk}@")


def test_a_second_task_for_a_sent_or_sending_row_sends_nothing(mailoutbox):
    note = _queue()
    notification_send(notification_id=note.pk)
    notification_send(notification_id=note.pk)
    assert len(mailoutbox) == 1
    Notification.objects.filter(pk=note.pk).update(state=DeliveryState.SENDING)
    notification_send(notification_id=note.pk)
    assert len(mailoutbox) == 1


def test_interrupted_send_becomes_unknown_and_is_never_resent_automatically(settings, mailoutbox):
    # given a row left "sending" by a worker killed while the provider had the message
    settings.MOTCUA_TASK_LEASE_SECONDS = 300
    note = _queue()
    Notification.objects.filter(pk=note.pk).update(
        state=DeliveryState.SENDING, sending_at=timezone.now() - dt.timedelta(minutes=10)
    )
    recent = _queue(channel="sms")
    Notification.objects.filter(pk=recent.pk).update(
        state=DeliveryState.SENDING, sending_at=timezone.now()
    )
    # when the cron job runs
    call_command("retry_notifications", stdout=io.StringIO())
    # then it is "unknown", not sent again, by the cron job or by the task run again
    note.refresh_from_db()
    recent.refresh_from_db()
    assert note.state == DeliveryState.UNKNOWN and "may have been delivered" in note.last_error
    assert recent.state == DeliveryState.SENDING  # still within its lease
    notification_send(notification_id=note.pk)
    assert not mailoutbox
    assert notification_reconcile() == 0


def test_stale_queued_row_whose_task_was_lost_is_sent_by_the_cron_job(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    # given a message queued while the task backend dropped its task
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    with django_capture_on_commit_callbacks(execute=True):
        note = _queue()
    assert not mailoutbox
    # when the cron job runs before the lease has passed, nothing happens
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    assert notification_retry_due() == 0
    # and after it, the message is enqueued again and sent, once
    later = timezone.now() + dt.timedelta(seconds=settings.MOTCUA_TASK_LEASE_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_retry_due(now=later) == 1
    note.refresh_from_db()
    assert note.state == DeliveryState.SENT and len(mailoutbox) == 1
    assert notification_retry_due(now=later + dt.timedelta(hours=1)) == 0


def test_an_operator_can_send_an_unknown_message_again_with_the_same_message_id(
    mailoutbox, django_capture_on_commit_callbacks
):
    from motcua.notifications.services import notification_resend

    # given a message interrupted while sending
    note = _queue()
    Notification.objects.filter(pk=note.pk).update(state=DeliveryState.UNKNOWN)
    # when an operator sends it again
    with django_capture_on_commit_callbacks(execute=True):
        notification_resend(notification_id=note.pk)
    # then it goes out once, as the same message
    note.refresh_from_db()
    assert note.state == DeliveryState.SENT and len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == message_id(note)
    assert message_id(note).startswith(f"<notification-{note.pk}@")
    with django_capture_on_commit_callbacks(execute=True):
        notification_resend(notification_id=note.pk)  # a sent message is not resent
    assert len(mailoutbox) == 1


def test_recover_tasks_command(settings):

    _running_task(settings, timezone.now() - dt.timedelta(seconds=30))
    out = io.StringIO()
    call_command("recover_tasks", stdout=out)
    assert out.getvalue().strip() == "requeued: 0, failed: 0"  # within the lease
    call_command("recover_tasks", "--lease-seconds", "10", stdout=out)
    assert out.getvalue().strip().endswith("requeued: 1, failed: 0")


def test_task_whose_worker_still_beats_is_not_taken_away(settings):
    from motcua.core.task_recovery import heartbeat_beat, task_key

    # given two tasks claimed an hour ago: one's worker renewed its lease a minute ago, the
    # other's last beat is 10 minutes old
    settings.MOTCUA_TASK_LEASE_SECONDS = 300
    now = timezone.now()
    alive = _running_task(settings, now - dt.timedelta(hours=1))
    dead = _running_task(settings, now - dt.timedelta(hours=1))
    heartbeat_beat(task_id=task_key(alive.pk), worker_id="w0", now=now - dt.timedelta(minutes=1))
    heartbeat_beat(task_id=task_key(dead.pk), worker_id="w0", now=now - dt.timedelta(minutes=10))
    # when / then
    assert tasks_recover_abandoned() == (1, 0)
    alive.refresh_from_db()
    dead.refresh_from_db()
    assert (alive.status, dead.status) == ("RUNNING", "READY")
