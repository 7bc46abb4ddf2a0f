"""Settings for the `db_worker` subprocesses of test_worker_crash.py: the project's settings with
e-mail written to files in MOTCUA_TEST_MAIL_DIR (a subprocess cannot share locmem's outbox)."""

import os

from motcua.settings import *  # noqa: F403

EMAIL_FILE_PATH = os.environ["MOTCUA_TEST_MAIL_DIR"]
