"""A real `manage.py db_worker` killed with SIGKILL in the middle of a notification task: after
recovery, a new worker sends the message exactly once; a worker killed while the mail server has
the message leaves it "unknown", never sent twice.

PostgreSQL only: the workers are separate processes sharing the test database (SQLite's test
database lives in memory), and the first test holds a row lock to stop the worker mid-task.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from motcua.core.task_models import TaskHeartbeat
from motcua.core.task_recovery import task_key, tasks_recover_abandoned
from motcua.notifications.models import DeliveryState, Notification
from motcua.notifications.services import notification_queue, notification_reconcile

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TIMEOUT = 60.0
LEASE = dt.timedelta(seconds=2)  # the first worker renews it every 0.5 s


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start `manage.py db_worker` subprocesses on the test database; all killed at the end."""
    started: list[subprocess.Popen[bytes]] = []
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()

    def start(worker_id: str, *args: str, **env: str) -> subprocess.Popen[bytes]:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "motcua.notifications.tests.worker_settings",
            "DATABASE_URL": _database_url(),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "MOTCUA_TEST_MAIL_DIR": str(mail_dir),
            "MOTCUA_PUBLIC_BASE_URL": "https://dichvucong.camau.gov.vn",
            "CONN_MAX_AGE": "0",
            **env,
        }
        command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
        command += ["--interval", "0.1", "--worker-id", worker_id, *args]
        log = (tmp_path / f"{worker_id}.log").open("wb")
        proc = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log)  # noqa: S603
        started.append(proc)
        return proc

    start.mail_dir = mail_dir  # type: ignore[attr-defined]
    try:
        yield start
    finally:
        for proc in started:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)


def _task_status(task_id: str) -> str:
    from django_tasks_db.models import DBTaskResult

    return str(DBTaskResult.objects.get(pk=task_id).status)


def _queue_message(settings: Any) -> tuple[Notification, str]:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_BACKEND
    with transaction.atomic():
        note = notification_queue(
            kind="received",
            recipient="dao@example.com",
            subject="Hồ sơ 000.00.15.H12-270301-0001 đã được tiếp nhận",
            body="Kính gửi Nguyễn Thị Hồng Đào,",
        )
    task = DBTaskResult.objects.get(args_kwargs__args=[note.pk])
    return note, str(task.pk)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def test_worker_killed_before_sending_the_message_is_sent_once_by_the_next_worker(
    settings, workers
):
    import psycopg

    # given a queued message whose row another connection holds locked, so that the worker
    # that claims its task stops inside it
    note, task_id = _queue_message(settings)
    s = connection.settings_dict
    blocker = psycopg.connect(
        dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"] or None,
        host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432,
    )  # fmt: skip
    try:
        blocker.execute(
            "SELECT id FROM notifications_notification WHERE id = %s FOR UPDATE", [note.pk]
        )
        first = workers("first", MOTCUA_TASK_LEASE_SECONDS=str(LEASE.seconds))
        _wait(lambda: _task_status(task_id) == "RUNNING", "the first worker to claim the task")
        _wait(
            lambda: (
                blocker.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'"
                ).fetchone()[0]  # type: ignore[index]
                > 0
            ),
            "the first worker to wait on the message's row",
        )
        # a task running longer than the lease keeps it while its worker's heartbeat beats
        time.sleep(LEASE.seconds + 1)
        assert TaskHeartbeat.objects.filter(task_id=task_key(task_id)).exists()
        assert tasks_recover_abandoned(lease=LEASE) == (0, 0)
        # when the worker is killed mid-task
        _kill(first)
    finally:
        blocker.rollback()
        blocker.close()
    # then the task stays claimed and nothing was sent
    assert _task_status(task_id) == "RUNNING"
    note.refresh_from_db()
    assert note.state == DeliveryState.QUEUED
    assert not list(workers.mail_dir.iterdir())  # type: ignore[attr-defined]
    # when the lease has passed without a heartbeat, recovery puts it back and a new worker
    # runs the queue
    assert tasks_recover_abandoned(lease=LEASE) == (0, 0)  # the last beat is still recent
    time.sleep(LEASE.seconds + 0.5)
    assert tasks_recover_abandoned(lease=LEASE) == (1, 0)
    second = workers("second", "--batch")
    assert second.wait(timeout=TIMEOUT) == 0
    # then the message was sent exactly once, by the second worker
    note.refresh_from_db()
    assert note.state == DeliveryState.SENT and note.attempts == 1
    assert _task_status(task_id) == "SUCCESSFUL"
    mails = list(workers.mail_dir.iterdir())  # type: ignore[attr-defined]
    assert len(mails) == 1
    assert f"Message-ID: <notification-{note.pk}@dichvucong.camau.gov.vn>" in mails[0].read_text()
    # and running recovery and a worker again changes nothing
    assert tasks_recover_abandoned(lease=dt.timedelta(0)) == (0, 0)
    assert workers("third", "--batch").wait(timeout=TIMEOUT) == 0
    assert len(list(workers.mail_dir.iterdir())) == 1  # type: ignore[attr-defined]


def test_worker_killed_while_the_mail_server_has_the_message_never_sends_it_twice(
    settings, workers, tmp_path
):
    # given a worker whose mail server takes the message and hangs
    note, task_id = _queue_message(settings)
    marker = tmp_path / "sending"
    first = workers(
        "first",
        EMAIL_BACKEND="motcua.notifications.tests.blocking_backend.BlockingBackend",
        MOTCUA_TEST_BLOCK_MARKER=str(marker),
    )
    _wait(marker.exists, "the first worker to hand the message to the mail server")
    # when it is killed there
    _kill(first)
    # then the row says it was being sent (recorded before the provider was called)
    note.refresh_from_db()
    assert note.state == DeliveryState.SENDING and note.attempts == 1
    # when the lease has passed: recovery, reconciliation, a new worker
    settings.MOTCUA_TASK_LEASE_SECONDS = 0
    assert tasks_recover_abandoned() == (1, 0)
    assert notification_reconcile() == 1
    assert workers("second", "--batch").wait(timeout=TIMEOUT) == 0
    # then the task ran again but did not send the message a second time
    assert _task_status(task_id) == "SUCCESSFUL"
    note.refresh_from_db()
    assert note.state == DeliveryState.UNKNOWN and note.attempts == 1
    assert not list(workers.mail_dir.iterdir())  # type: ignore[attr-defined]
