"""What the dossiers app removes once it is of no use: open submission drafts nobody updated
within the retention window (`motcua.core.retention`), with their staged files, and staged
files left behind. Run daily by `manage.py purge_drafts`.

Nothing here touches a dossier: a submitted draft keeps its row (it links the dossier and makes
a retried submit find it), and its staged files are already deleted by `drafts.draft_submit`
once the dossier holds its own copies.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import timezone

from motcua.core.audit import audit_record
from motcua.core.retention import PURGE_BATCH_SIZE, purge_cutoff, retention_period
from motcua.dossiers.draft_models import Draft, DraftFile, DraftStatus
from motcua.dossiers.models import Applicant, Dossier

log = logging.getLogger(__name__)

DRAFTS_DIR = "portal/drafts"  # `draft_file_upload_to`: portal/drafts/<draft id>/<file>
# A staged file is written before the row that names it commits: a file younger than this with
# no row may still be on its way in, and is left for the next run.
ORPHAN_MIN_AGE = dt.timedelta(hours=1)


def draft_kept_until(draft: Draft, *, retention: dt.timedelta | None = None) -> dt.date:
    """The last day an open draft is kept if it is not updated again (the citizen sees it on
    "My dossiers"): the first daily purge after it removes the draft, whatever hour it runs,
    as both count from the start of the day (`core.retention.purge_cutoff`)."""
    retention = retention_period() if retention is None else retention
    return timezone.localdate(draft.updated_at + retention)


@dataclass
class PurgeResult:
    """What a purge removed (or, in a dry run, would remove).

    `drafts`, `files` and `bytes` count the open drafts deleted from the database and their staged
    files. Files are deleted from storage only after the deleting transaction commits, so
    `orphan_*` and `storage_errors` are filled in then (when called outside a transaction, as
    the management command does, before the function returns)."""

    cutoff: dt.datetime
    dry_run: bool = False
    drafts: int = 0
    files: int = 0
    bytes: int = 0
    batches: int = 0
    # Staged files no draft row names any more, in the folders of deleted or submitted drafts:
    # left behind when deleting them failed or the process stopped before it could.
    orphan_files: int = 0
    orphan_bytes: int = 0
    # Bytes actually deleted from storage (both kinds), and the files that could not be deleted
    # (logged; the next run finds them as orphans).
    freed_bytes: int = 0
    storage_errors: int = 0


def _draft_storage() -> Any:
    return DraftFile._meta.get_field("file").storage


def _draft_dir(draft_id: Any) -> str:
    return f"{DRAFTS_DIR}/{draft_id}"


def _storage_delete(storage: Any, name: str, size: int, result: PurgeResult) -> bool:
    try:
        storage.delete(name)
    except Exception:  # any back-end's error: log it and go on with the other files
        log.warning("could not delete staged file %s", name, exc_info=True)
        result.storage_errors += 1
        return False
    result.freed_bytes += size
    return True


def _remove_empty_dir(storage: Any, path: str) -> None:
    """A local folder left empty (object stores have no folders: nothing to do there)."""
    try:
        folders, files = storage.listdir(path)
    except (OSError, NotImplementedError):
        return
    if folders or files:
        return
    try:
        storage.delete(path)  # FileSystemStorage removes an empty directory
    except Exception:  # not worth a warning: an empty folder costs nothing but an inode
        log.debug("could not remove folder %s", path, exc_info=True)


def drafts_purge(
    *,
    older_than: dt.timedelta | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    batch_size: int = PURGE_BATCH_SIZE,
) -> PurgeResult:
    """Deletes open drafts not updated since the start of the day `older_than` ago (default
    `MOTCUA_DRAFT_RETENTION_DAYS`, 30 days), with their staged files, and the staged files left
    behind in the folders of deleted or submitted drafts.

    `batch_size` drafts per transaction, each batch with one audit record. A draft being edited
    right now is locked by the wizard and skipped (SKIP LOCKED); the age is checked again under
    the lock. Files leave storage only after the batch commits, one failure does not stop the
    others. Submitted drafts are never deleted.
    """
    older_than = retention_period() if older_than is None else older_than
    now = timezone.now() if now is None else now
    cutoff = purge_cutoff(now=now, older_than=older_than)
    result = PurgeResult(cutoff=cutoff, dry_run=dry_run)
    stale = Draft.objects.filter(status=DraftStatus.OPEN, updated_at__lt=cutoff)
    if dry_run:
        result.drafts = stale.count()
        staged = DraftFile.objects.filter(draft__in=stale).aggregate(
            n=Count("pk"), size=Sum("size")
        )
        result.files, result.bytes = staged["n"], staged["size"] or 0
        _sweep_orphans(result, now=now, delete=False)
        return result
    storage = _draft_storage()
    while True:
        with transaction.atomic():
            ids = list(
                stale.select_for_update(skip_locked=True)
                .order_by("updated_at", "pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            staged_files = list(
                DraftFile.objects.filter(draft_id__in=ids).values_list("file", "size")
            )
            staged_files = [(name, s) for name, s in staged_files if name]
            size = sum(s for _name, s in staged_files)
            Draft.objects.filter(pk__in=ids).delete()  # their DraftFile rows go with them
            audit_record(
                action="portal_drafts_purge",
                object_type="portal.draft",
                changes={
                    "cutoff": cutoff,
                    "older_than_days": older_than.days,
                    "drafts": len(ids),
                    "files": len(staged_files),
                    "bytes": size,
                    "ids": sorted(str(pk) for pk in ids),
                },
                note=f"{len(ids)} open draft(s) not updated since {cutoff:%Y-%m-%d}",
            )
            transaction.on_commit(
                functools.partial(_purged_files_delete, storage, staged_files, ids, result)
            )
        result.drafts += len(ids)
        result.files += len(staged_files)
        result.bytes += size
        result.batches += 1
        if len(ids) < batch_size:
            break
    # After the batches' files, so that the folders they empty are not counted as orphans; and
    # after commit, so that a rolled-back purge cannot have removed a file its rows still name.
    transaction.on_commit(functools.partial(_sweep_orphans, result, now=now, delete=True))
    return result


def _purged_files_delete(
    storage: Any, staged_files: list[tuple[str, int]], draft_ids: list[Any], result: PurgeResult
) -> None:
    for name, size in staged_files:
        _storage_delete(storage, name, size, result)
    for draft_id in draft_ids:
        _remove_empty_dir(storage, _draft_dir(draft_id))


def _sweep_orphans(result: PurgeResult, *, now: dt.datetime, delete: bool) -> None:
    """Staged files in the folder of a draft that is no longer open (deleted, purged, submitted)
    and that no row names: `draft_submit`, `draft_discard` (`dossiers.drafts`) and the purge
    delete them after commit, and a failed deletion or a process stopped in between leaves
    them behind. Empty folders of such drafts are removed too. Folders of open drafts are left
    alone (their replaced files go when the draft is submitted or purged)."""
    storage = _draft_storage()
    try:
        folders, _files = storage.listdir(DRAFTS_DIR)
    except (OSError, NotImplementedError):
        return  # nothing staged yet
    young = now - ORPHAN_MIN_AGE
    for start in range(0, len(folders), PURGE_BATCH_SIZE):
        by_id: dict[str, str] = {}
        for folder in folders[start : start + PURGE_BATCH_SIZE]:
            try:
                by_id[str(uuid.UUID(folder))] = folder
            except ValueError:
                continue  # not a draft's folder
        open_ids = {
            str(pk)
            for pk in Draft.objects.filter(pk__in=list(by_id), status=DraftStatus.OPEN).values_list(
                "pk", flat=True
            )
        }
        named = set(
            DraftFile.objects.filter(draft_id__in=list(by_id)).values_list("file", flat=True)
        )
        for draft_id, folder in by_id.items():
            if draft_id in open_ids:
                continue
            path = f"{DRAFTS_DIR}/{folder}"
            try:
                _sub, files = storage.listdir(path)
            except OSError:
                continue  # removed meanwhile
            for filename in files:
                name = f"{path}/{filename}"
                try:
                    if name in named or storage.get_modified_time(name) >= young:
                        continue
                    size = storage.size(name)
                except OSError:
                    continue  # removed meanwhile
                if delete and not _storage_delete(storage, name, size, result):
                    continue
                result.orphan_files += 1
                result.orphan_bytes += size
            if delete:
                _remove_empty_dir(storage, path)


def accounts_in_use() -> list[Exists]:
    """What keeps an account that never finished registering from being purged
    (`accounts.retention.abandoned_registrations_purge(in_use=...)`): a dossier it owns, an
    applicant linked to it."""
    return [
        Exists(Dossier.objects.filter(owner=OuterRef("pk"))),
        Exists(Applicant.objects.filter(user=OuterRef("pk"))),
    ]
