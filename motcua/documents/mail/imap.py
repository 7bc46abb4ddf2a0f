"""Reading an official mailbox over IMAP (imaplib), from where the last poll stopped.

A mailbox is read, never changed: the folder is opened read-only (EXAMINE) and bodies are
fetched with ``BODY.PEEK[]``, so the clerk's mail client still shows the messages unread.

Where a poll stopped is the pair (UIDVALIDITY, last UID): UIDs only grow while UIDVALIDITY
stays the same (RFC 3501 §2.3.1.1). When the server changes UIDVALIDITY (the folder was
re-created, the server migrated), the old UIDs mean nothing and every message is read again:
the caller's de-duplication (by Message-ID) keeps them from being registered twice.
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import re
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from motcua.documents.mail.config import MailboxConfig, tls_context
from motcua.documents.mail.messages import FetchedMessage, message_parse

_UID = re.compile(rb"\bUID (\d+)")
_STATUS_ITEM = re.compile(rb"(UIDVALIDITY|UIDNEXT|MESSAGES) (\d+)")


class MailboxError(Exception):
    """The mailbox could not be reached or read (the next poll tries again)."""


@dataclass(frozen=True)
class MailboxStatus:
    uidvalidity: int
    uidnext: int
    messages: int


def imap_utf7(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 §5.1.3): ``Văn thư`` is
    ``V&AQM-n th&AbA-``."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            packed = base64.b64encode("".join(pending).encode("utf-16-be")).decode("ascii")
            out.append("&" + packed.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return "".join(out)


def imap_quote(name: str) -> str:
    """A folder name as an IMAP quoted string (imaplib sends arguments as they are)."""
    encoded = imap_utf7(name)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


@contextmanager
def mailbox_connect(config: MailboxConfig) -> Iterator[imaplib.IMAP4]:
    """A logged-in connection, logged out (or dropped) on leaving; failures as MailboxError."""
    try:
        if config.security == "ssl":
            conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                config.host,
                config.port,
                ssl_context=tls_context(config.ca_file),
                timeout=config.timeout,
            )
        else:
            conn = imaplib.IMAP4(config.host, config.port, timeout=config.timeout)
            if config.security == "starttls":
                conn.starttls(ssl_context=tls_context(config.ca_file))
        conn.login(config.username, config.password)
    except (imaplib.IMAP4.error, OSError, ssl.SSLError) as exc:
        raise MailboxError(f"{config!r}: {exc}") from exc
    try:
        yield conn
    except (imaplib.IMAP4.error, OSError, ssl.SSLError) as exc:
        raise MailboxError(f"{config!r}: {exc}") from exc
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError, ssl.SSLError):
            conn.logout()  # unless the connection is gone already


def _status_items(data: Sequence[object]) -> dict[bytes, int]:
    items: dict[bytes, int] = {}
    for line in data:
        if isinstance(line, bytes):
            items.update((k, int(v)) for k, v in _STATUS_ITEM.findall(line))
    return items


def mailbox_status(config: MailboxConfig) -> MailboxStatus:
    """The folder's UIDVALIDITY, next UID and message count (e.g. to start polling a mailbox
    after the mail it already holds)."""
    with mailbox_connect(config) as conn:
        typ, data = conn.status(imap_quote(config.folder), "(UIDVALIDITY UIDNEXT MESSAGES)")
        if typ != "OK":
            raise MailboxError(f"{config!r}: STATUS {data!r}")
        items = _status_items(data)
    return MailboxStatus(
        uidvalidity=items.get(b"UIDVALIDITY", 0),
        uidnext=items.get(b"UIDNEXT", 0),
        messages=items.get(b"MESSAGES", 0),
    )


def _examine(conn: imaplib.IMAP4, config: MailboxConfig) -> int:
    """Open the folder read-only; its UIDVALIDITY."""
    typ, data = conn.select(imap_quote(config.folder), readonly=True)
    if typ != "OK":
        raise MailboxError(f"{config!r}: cannot open the folder: {data!r}")
    _name, values = conn.response("UIDVALIDITY")
    if values and values[0]:
        return int(values[0])
    typ, data = conn.status(imap_quote(config.folder), "(UIDVALIDITY)")  # a terse server
    validity = _status_items(data).get(b"UIDVALIDITY")
    if typ != "OK" or validity is None:
        raise MailboxError(f"{config!r}: the server gives no UIDVALIDITY")
    return validity


def _uids_after(conn: imaplib.IMAP4, after_uid: int) -> list[int]:
    typ, data = conn.uid("SEARCH", f"UID {after_uid + 1}:*")
    if typ != "OK":
        raise MailboxError(f"UID SEARCH: {data!r}")
    uids = {int(n) for line in data if isinstance(line, bytes) for n in line.split()}
    # "N:*" always matches the last message, even when its UID is below N (RFC 3501 §6.4.8)
    return sorted(uid for uid in uids if uid > after_uid)


def _fetch_raw(conn: imaplib.IMAP4, uid: int) -> bytes | None:
    typ, data = conn.uid("FETCH", str(uid), "(BODY.PEEK[])")
    if typ != "OK":
        raise MailboxError(f"UID FETCH {uid}: {data!r}")
    for item in data:
        if not isinstance(item, tuple) or b"BODY[]" not in item[0]:
            continue  # an unsolicited FLAGS update, the closing parenthesis
        match = _UID.search(item[0])
        if match and int(match.group(1)) != uid:
            continue
        return bytes(item[1])
    return None  # expunged since the search


def mailbox_fetch(
    config: MailboxConfig, *, after_uid: int, uidvalidity: int | None
) -> Iterator[FetchedMessage]:
    """The folder's messages whose UID is above `after_uid`, oldest first, one at a time (a
    large message is never held beside the next one).

    `uidvalidity` is the one `after_uid` was read under: when the server's differs, every
    message is read again. None means no poll has run yet; then `after_uid` is trusted (0
    reads the whole folder). Each message carries the server's current UIDVALIDITY, to be
    stored with its UID once the message is safely kept.
    """
    with mailbox_connect(config) as conn:
        server_validity = _examine(conn, config)
        if uidvalidity is not None and uidvalidity != server_validity:
            after_uid = 0
        for uid in _uids_after(conn, after_uid):
            raw = _fetch_raw(conn, uid)
            if raw is not None:
                yield message_parse(raw, uid=uid, uidvalidity=server_validity)
