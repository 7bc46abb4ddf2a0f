"""Search across official documents (issue 13 point 9): number and notation, summary, author,
signer and the text of text PDFs, ignoring diacritics, within what the official may see.

Each document keeps one stored column, `search_text`: the folded (motcua.core.text.fold)
number and notation first, then the author, the signer, the type's name, the summary, the
content and the text of its text PDFs. The services compute it with `search_text_for(doc)`
whenever one of those changes (and after storing a file). A query is folded the same way and
split into words; a document matches when its `search_text` contains every word, so
"quyet dinh" finds "Quyết định" and "QĐ-UBND" finds "05/QĐ-UBND". A word shaped like a number
and notation ("05/QĐ-UBND", "5/qd-ubnd") must start the number: it does not find 105/QĐ-UBND.

The same lookups run on both databases (`LIKE '%word%'`): on PostgreSQL a trigram index on
`search_text` (migration 0004_search_text, pg_trgm) answers them without reading every row; on
SQLite they scan, which is fine at its sizes.

Every function here filters a queryset it is given: pass one already limited to what the
official may see (`policies.incoming_scope(user)` / `outgoing_scope(user)`); `search_all` does
that itself.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from django.db.models import Model, Q, QuerySet
from django.db.models.functions import Coalesce

from motcua.core.text import fold
from motcua.documents.enums import TYPE_NAMES
from motcua.documents.models import IncomingDocument, OutgoingDocument

if TYPE_CHECKING:
    from motcua.accounts.models import User

# What is kept of a document's text for search (the number, names and summary always fit: the
# cut falls in the text of its files).
MAX_SEARCH_TEXT = 200_000
# A query beyond these is cut: longer ones are pasted paragraphs, not searches.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 8
PAGE_SIZE = 20
# `search_all` pages through at most this many results of each kind and counts up to COUNT_CAP
# of each ("more than 1,000" after that): an exact count of a common word over a million
# documents costs more than the page itself, and nobody reads page 60.
MAX_PAGE = 50
COUNT_CAP = 1000

_NUMBER_NOTATION = re.compile(r"^0*(\d+)(/\S+)$")
_PUNCTUATION = ".,;:!?\"'()[]{}«»“”‘’…"

D = TypeVar("D", bound=Model)


# --- what is stored --------------------------------------------------------------------------


def _padded_number(number: str) -> str:
    """The number part as registers print it: numbers under 10 get a leading zero."""
    return number.zfill(2) if number.isdigit() and len(number) < 2 else number


def _join(parts: Iterable[str | None], file_texts: Iterable[str]) -> str:
    text = " ".join(folded for part in parts if (folded := fold(part)))
    for body in file_texts:
        if len(text) >= MAX_SEARCH_TEXT:
            break
        folded = fold(body)
        if folded:
            text = f"{text} {folded}" if text else folded
    return text[:MAX_SEARCH_TEXT]


def incoming_search_text(doc: IncomingDocument, file_texts: Iterable[str] | None = None) -> str:
    """`search_text` of an incoming document. `file_texts`: the text of its files; by default
    the stored `IncomingFile.text` of its files (none before it is saved)."""
    if file_texts is None:
        file_texts = doc.files.exclude(text="").values_list("text", flat=True) if doc.pk else []
    number = _padded_number(doc.code_number)
    return _join(
        [
            f"{number}/{doc.code_notation}" if number and doc.code_notation else number,
            doc.code_notation,
            doc.sender_name,
            doc.signer_name,
            doc.type_name or TYPE_NAMES.get(doc.document_type, ""),
            doc.subject,
            doc.content,
        ],
        file_texts,
    )


def outgoing_search_text(doc: OutgoingDocument, file_texts: Iterable[str] | None = None) -> str:
    """`search_text` of an outgoing document: its number once numbered, the drafter (its
    author), the signer, the summary and content; `file_texts` (optional) the text of its
    signed PDF (`pdftext.extract`)."""
    drafter = doc.drafter.full_name if doc.drafter_id else ""
    signer = doc.signer.full_name if doc.signer_id and doc.signer else ""
    return _join(
        [
            doc.number_notation,
            doc.code_notation,
            drafter,
            signer,
            TYPE_NAMES.get(doc.document_type, ""),
            doc.subject,
            doc.content,
        ],
        file_texts or [],
    )


def search_text_for(
    doc: IncomingDocument | OutgoingDocument, *, file_texts: Iterable[str] | None = None
) -> str:
    """The value of `doc.search_text`. Services: `doc.search_text = search_text_for(doc)` and
    save it with the change (add "search_text" to update_fields), and again after storing an
    incoming document's files (their `text` from `pdftext.extract`)."""
    if isinstance(doc, IncomingDocument):
        return incoming_search_text(doc, file_texts)
    return outgoing_search_text(doc, file_texts)


# --- the query -------------------------------------------------------------------------------


def query_words(query: str) -> list[str]:
    """The folded words of a query, punctuation around them dropped, numbers of a number and
    notation padded like registers print them ("5/qd-ubnd" -> "05/qd-ubnd")."""
    words: list[str] = []
    for raw in fold(query[:MAX_QUERY_CHARS]).split():
        word = raw.strip(_PUNCTUATION)
        if not word:
            continue
        if m := _NUMBER_NOTATION.match(word):
            word = f"{int(m.group(1)):02d}{m.group(2)}"
        if word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def search_condition(query: str) -> Q | None:
    """The condition on `search_text` for a query; None when the query has no word."""
    words = query_words(query)
    if not words:
        return None
    condition = Q()
    for word in words:
        if _NUMBER_NOTATION.match(word):
            # At the start of a word: "05/qd-ubnd" must not find "105/qd-ubnd".
            condition &= Q(search_text__startswith=word) | Q(search_text__contains=f" {word}")
        else:
            condition &= Q(search_text__contains=word)
    return condition


def search_documents(qs: QuerySet[D], query: str) -> QuerySet[D]:
    """`qs` (incoming or outgoing documents, already scoped) narrowed to those matching
    `query`; nothing when the query has no word. Ordering is left to the caller."""
    condition = search_condition(query)
    return qs.none() if condition is None else qs.filter(condition)


def search_incoming(qs: QuerySet[IncomingDocument], query: str) -> QuerySet[IncomingDocument]:
    """Incoming documents of `qs` matching `query`, newest arrival first."""
    return search_documents(qs, query).order_by("-arrival_date", "-id")


def search_outgoing(qs: QuerySet[OutgoingDocument], query: str) -> QuerySet[OutgoingDocument]:
    """Outgoing documents of `qs` matching `query`, newest first (issued, else created)."""
    return (
        search_documents(qs, query)
        .annotate(search_at=Coalesce("issued_at", "created_at"))
        .order_by("-search_at", "-id")
    )


# --- one list for the search page ----------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    kind: Literal["incoming", "outgoing"]
    document: IncomingDocument | OutgoingDocument
    at: dt.datetime  # arrival (incoming); issue, else creation (outgoing)


@dataclass
class SearchPage:
    """One page of `search_all`: hits newest first, incoming and outgoing mixed."""

    query: str
    words: list[str]
    number: int
    page_size: int
    hits: list[SearchHit] = field(default_factory=list)
    has_next: bool = False
    # How many of each kind matched, counted up to COUNT_CAP; `more` when the cap was reached.
    counts: dict[str, int] = field(default_factory=dict)
    more: bool = False

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def search_all_in(
    incoming: QuerySet[IncomingDocument],
    outgoing: QuerySet[OutgoingDocument],
    query: str,
    page: int = 1,
    *,
    page_size: int = PAGE_SIZE,
) -> SearchPage:
    """One page of the documents of `incoming` and `outgoing` (already scoped) matching
    `query`, newest first. Pages beyond MAX_PAGE are answered as MAX_PAGE."""
    number = min(max(page, 1), MAX_PAGE)
    words = query_words(query)
    result = SearchPage(query=query, words=words, number=number, page_size=page_size)
    if not words:
        return result
    inc = search_incoming(incoming, query).select_related("organisation")
    out = search_outgoing(outgoing, query).select_related("organisation", "drafter")
    end = number * page_size
    # The page's rows are among the first `end` (+1 to know there is a next page) of each kind.
    hits_in = [SearchHit("incoming", d, d.arrival_date) for d in inc[: end + 1]]
    hits_out = [SearchHit("outgoing", d, _outgoing_at(d)) for d in out[: end + 1]]
    merged = list(heapq.merge(hits_in, hits_out, key=lambda h: (h.at, h.document.pk), reverse=True))
    result.hits = merged[end - page_size : end]
    result.has_next = len(merged) > end and number < MAX_PAGE
    result.counts = {
        "incoming": _capped_count(inc),
        "outgoing": _capped_count(out),
    }
    result.more = any(n > COUNT_CAP for n in result.counts.values())
    result.counts = {k: min(n, COUNT_CAP) for k, n in result.counts.items()}
    return result


def search_all(user: User, query: str, page: int = 1, *, page_size: int = PAGE_SIZE) -> SearchPage:
    """The search page's results for `user`: incoming and outgoing documents the user may see
    (policies.incoming_scope / outgoing_scope) matching `query`, newest first."""
    return search_all_in(
        visible_incoming(user), visible_outgoing(user), query, page, page_size=page_size
    )


def visible_incoming(user: User) -> QuerySet[IncomingDocument]:
    """The incoming documents `user` may see (policies.incoming_scope), each once."""
    from motcua.documents import policies

    return _each_once(IncomingDocument, policies.incoming_scope(user))


def visible_outgoing(user: User) -> QuerySet[OutgoingDocument]:
    """The outgoing documents `user` may see (policies.outgoing_scope), each once."""
    from motcua.documents import policies

    return _each_once(OutgoingDocument, policies.outgoing_scope(user))


def _each_once(model: type[D], scope: Q) -> QuerySet[D]:
    """`model` rows matching `scope`. The scope follows many-valued relations (co-units,
    reviewers): filtering by it directly lists a document once per matching co-unit, so the
    rows are taken by primary key from it (a semi-join); no scope (everything) stays as is."""
    if not scope:
        return model._default_manager.all()
    return model._default_manager.filter(pk__in=model._default_manager.filter(scope).values("pk"))


def _outgoing_at(doc: OutgoingDocument) -> dt.datetime:
    at: Any = getattr(doc, "search_at", None)
    return at or doc.issued_at or doc.created_at


def _capped_count(qs: QuerySet[Any]) -> int:
    """COUNT over at most COUNT_CAP + 1 rows (a subquery with LIMIT)."""
    return qs.order_by()[: COUNT_CAP + 1].count()
