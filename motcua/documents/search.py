"""Search across official documents (issue 13 point 9): number and notation, summary, author,
signer and the text of text PDFs, ignoring diacritics, within what the official may see.

Each document keeps one stored column, `search_text`: the folded (motcua.core.text.fold)
number and notation first, then the author, the signer, the type's name, the summary, the
content and the text of its text PDFs. The services compute it with `search_text_for(doc)`
whenever one of those changes (and after storing a file). A query is folded the same way and
split into words; a document matches when it has every word, so "quyet dinh" finds
"Quyết định", "QĐ-UBND" finds "05/QĐ-UBND", and "5/QĐ-UBND" finds 05/QĐ-UBND, not 105/QĐ-UBND.

PostgreSQL matches whole words: a trigger keeps `search_vector` = to_tsvector('simple',
search_text) and a GIN index answers `@@ plainto_tsquery('simple', words)` (migration
0005_search_text). The 'simple' parser keeps "05/qd-ubnd" as one word and splits "qd-ubnd"
into "qd-ubnd", "qd" and "ubnd". Matching parts of words (LIKE '%man%', pg_trgm) was tried on
the bench (100,000 documents): Vietnamese syllables are short, so "han man" also matched
"hành … mạng" in 38 % of the documents and was slow; see bench/README.md. SQLite (tests,
development) is the simpler fallback: `search_text` contains every word (LIKE).

Every function here filters a queryset it is given: pass one already limited to what the
official may see (`policies.incoming_scope(user)` / `outgoing_scope(user)`); `search_all` does
that itself.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import BooleanField, Exists, F, Func, Model, OuterRef, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce

from motcua.core.text import fold
from motcua.documents.enums import TYPE_NAMES
from motcua.documents.models import IncomingDocument, OutgoingDocument
from motcua.organisations.models import Organisation

if TYPE_CHECKING:
    from motcua.accounts.models import User

# What is kept of a document's text for search (the number, names and summary always fit: the
# cut falls in the text of its files).
MAX_SEARCH_TEXT = 200_000
# A query beyond these is cut: longer ones are pasted paragraphs, not searches.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 8
PAGE_SIZE = 20
# `search_all` pages through at most MAX_PAGE pages and counts up to COUNT_CAP results of each
# kind ("more than 200" after that): an exact count of a common word over a million documents
# costs far more than the page itself, and a small cap lets PostgreSQL count by walking the
# newest documents (see `count_capped`).
MAX_PAGE = 50
COUNT_CAP = 200
# work_mem of the search statements on PostgreSQL (search_work_mem).
SEARCH_WORK_MEM = "32MB"

_NUMBER_NOTATION = re.compile(r"^0*(\d+)(/\S+)$")
_PUNCTUATION = ".,;:!?\"'()[]{}«»“”‘’…"
# What a word may keep inside when it is written into a PostgreSQL statement (WordsMatch).
_WORD_UNSAFE = re.compile(r"[^\w/.\-]")

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
            f"{number}/{doc.code_notation}" if number and doc.code_notation else "",
            number,
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
    number = f"{doc.code_number:02d}" if doc.code_number else ""
    return _join(
        [
            f"{number}/{doc.code_notation}" if number and doc.code_notation else "",
            number,
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
        word = _WORD_UNSAFE.sub("", raw).strip(_PUNCTUATION)
        if not any(ch.isalnum() for ch in word):
            continue
        if m := _NUMBER_NOTATION.match(word):
            word = f"{int(m.group(1)):02d}{m.group(2)}"
        if word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def search_condition(query: str, *, vendor: str = "sqlite") -> Q | None:
    """The condition for a query on the database `vendor`; None when the query has no word.

    PostgreSQL: every word is a word of the document (`search_vector @@ plainto_tsquery(
    'simple', …)`, the GIN index): "han man" finds "hạn mặn", not "hành … mạng".
    Elsewhere: `search_text` contains every word (LIKE); a number and notation at the start
    of a word."""
    words = query_words(query)
    if not words:
        return None
    if vendor == "postgresql":
        return Q(WordsMatch(words))
    condition = Q()
    for word in words:
        if _NUMBER_NOTATION.match(word):
            # At the start of a word: "05/qd-ubnd" must not find "105/qd-ubnd".
            condition &= Q(search_text__startswith=word) | Q(search_text__contains=f" {word}")
        else:
            condition &= Q(search_text__contains=word)
    return condition


class WordsMatch(Func):
    """`search_vector @@ plainto_tsquery('simple', '<words>')` with the words written into the
    statement, not bound as a parameter.

    Why: the connections prepare statements they run often (settings: prepare_threshold), and
    PostgreSQL then plans a prepared statement once for any parameter value. Planned for "some
    words", a search for a common word ("cong tac": half the documents) reads the whole index
    and most of an agency's rows (480 ms on the 1-million-document bench) where walking the
    newest documents finds a page in 1 ms; a rare word needs the opposite plan. With the words
    in the statement each search is planned for its own words. Safe: `query_words` keeps only
    folded letters, digits and "/", ".", "-" (no quote can reach the SQL)."""

    output_field = BooleanField()

    def __init__(self, words: list[str]) -> None:
        super().__init__(F("search_vector"))
        self.words = [w for w in (_WORD_UNSAFE.sub("", word) for word in words) if w]

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        literal = " ".join(self.words).replace("'", "''")
        return f"{column} @@ plainto_tsquery('simple'::regconfig, '{literal}')", list(params)


def search_documents(qs: QuerySet[D], query: str) -> QuerySet[D]:
    """`qs` (incoming or outgoing documents, already scoped) narrowed to those matching
    `query`; nothing when the query has no word. Ordering is left to the caller; the two
    search columns are not loaded."""
    condition = search_condition(query, vendor=connections[qs.db].vendor)
    if condition is None:
        return qs.none()
    return qs.filter(condition).defer("search_text", "search_vector")


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
    incoming: QuerySet[IncomingDocument] | list[QuerySet[IncomingDocument]] | None,
    outgoing: QuerySet[OutgoingDocument] | list[QuerySet[OutgoingDocument]] | None,
    query: str,
    page: int = 1,
    *,
    page_size: int = PAGE_SIZE,
) -> SearchPage:
    """One page of the documents of `incoming` and `outgoing` (already scoped; or each a list
    of querysets whose union is the scope; None: not that kind) matching `query`, newest first,
    each document once. Pages beyond MAX_PAGE are answered as MAX_PAGE. A register's search box:
    `search_all_in(register_queryset, None, query, page)`.

    Small queries: for each kind and each part of the scope, the ids and dates of its first
    matches (as many as the page needs, or COUNT_CAP + 1 for the count); then the page's
    documents by id. On PostgreSQL inside `search_work_mem`."""
    number = min(max(page, 1), MAX_PAGE)
    words = query_words(query)
    result = SearchPage(query=query, words=words, number=number, page_size=page_size)
    if not words:
        return result
    end = number * page_size
    enough = max(end, COUNT_CAP) + 1
    found: dict[str, list[tuple[dt.datetime, int]]] = {}
    with search_work_mem():
        _search_parts(incoming, outgoing, query, enough, result, found)
    merged = list(
        heapq.merge(
            (("incoming", at, pk) for at, pk in found["incoming"][: end + 1]),
            (("outgoing", at, pk) for at, pk in found["outgoing"][: end + 1]),
            key=lambda hit: (hit[1], hit[2]),
            reverse=True,
        )
    )
    result.has_next = len(merged) > end and number < MAX_PAGE
    shown = merged[end - page_size : end]
    documents: dict[tuple[str, int], IncomingDocument | OutgoingDocument] = {}
    wanted = {kind: [pk for k, _at, pk in shown if k == kind] for kind in found}
    if wanted["incoming"]:
        incoming_docs = IncomingDocument.objects.select_related("organisation").defer(*_HEAVY)
        documents.update(
            (("incoming", d.pk), d) for d in incoming_docs.filter(pk__in=wanted["incoming"])
        )
    if wanted["outgoing"]:
        outgoing_docs = OutgoingDocument.objects.select_related("organisation", "drafter")
        documents.update(
            (("outgoing", d.pk), d)
            for d in outgoing_docs.defer(*_HEAVY).filter(pk__in=wanted["outgoing"])
        )
    result.hits = [
        SearchHit(kind, documents[(kind, pk)], at)  # type: ignore[arg-type]
        for kind, at, pk in shown
        if (kind, pk) in documents
    ]
    return result


def _search_parts(
    incoming: Any,
    outgoing: Any,
    query: str,
    enough: int,
    result: SearchPage,
    found: dict[str, list[tuple[dt.datetime, int]]],
) -> None:
    """The ids and dates of the first `enough` matches of each kind (the union of its parts),
    newest first, into `found`; the capped counts into `result`."""

    def listed(parts: Any) -> list[Any]:
        return [] if parts is None else parts if isinstance(parts, list) else [parts]

    sources: list[tuple[str, list[Any], Callable[[Any, str], Any]]] = [
        ("incoming", listed(incoming), _incoming_newest),
        ("outgoing", listed(outgoing), _outgoing_newest),
    ]
    for kind, parts, newest in sources:
        union: dict[int, dt.datetime] = {}
        firsts = [newest(part, query)[:enough] for part in parts]
        if (
            len(firsts) > 1
            and connections[firsts[0].db].features.supports_slicing_ordering_in_compound
        ):
            # One statement: (part 1 ORDER BY … LIMIT n) UNION ALL (part 2 …) …; PostgreSQL
            # plans each part on its own, as if sent apart, in one round trip.
            firsts = [firsts[0].union(*firsts[1:], all=True)]
        for rows in firsts:
            union.update(rows)
        found[kind] = sorted(((at, pk) for pk, at in union.items()), reverse=True)
        result.counts[kind] = min(len(union), COUNT_CAP)
        result.more = result.more or len(union) > COUNT_CAP


@contextmanager
def search_work_mem(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run search queries inside this on PostgreSQL: a transaction with work_mem raised to
    SEARCH_WORK_MEM for its statements (SET LOCAL). When PostgreSQL underestimates how many
    documents have all the words of a phrase (it multiplies the words' frequencies: "xam nhap
    man" estimated 0.7 %, found in 19 %), it collects them in a bitmap; with the default 4 MB
    that bitmap turns lossy and every row of the pages it covers is checked again (900 ms on
    the bench instead of 70 ms). Elsewhere it does nothing."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{SEARCH_WORK_MEM}'")
        yield


def search_all(user: User, query: str, page: int = 1, *, page_size: int = PAGE_SIZE) -> SearchPage:
    """The search page's results for `user`: incoming and outgoing documents the user may see
    (policies.incoming_scope / outgoing_scope) matching `query`, newest first.

    The scope is "the agency's register, or assigned to my unit, or to me, or …": an OR of
    conditions on different columns and subqueries, which PostgreSQL cannot combine with the
    indexes (it then walks every agency's newest documents: 1.3 s on the 1-million-document
    bench). Each part of the OR is searched on its own, where an index fits (17–75 ms there),
    and the parts are merged."""
    from motcua.documents import policies

    read: dict[str, list[Any]] = {}
    return search_all_in(
        _scope_parts(IncomingDocument, policies.incoming_scope(user), read),
        _scope_parts(OutgoingDocument, policies.outgoing_scope(user), read),
        query,
        page,
        page_size=page_size,
    )


_HEAVY = ("search_text", "search_vector")


def _incoming_newest(qs: QuerySet[IncomingDocument], query: str) -> Any:
    return search_incoming(qs, query).values_list("pk", "arrival_date")


def _outgoing_newest(qs: QuerySet[OutgoingDocument], query: str) -> Any:
    return search_outgoing(qs, query).values_list("pk", "search_at")  # type: ignore[misc]


def _scope_parts(
    model: type[D], scope: Q, read: dict[str, list[Any]] | None = None
) -> list[QuerySet[D]]:
    """One queryset per part of `scope` when it is an OR (nested ORs flattened): their union
    is the scope. A negated OR, or anything else, is one part. `read`: see _exists_for_many."""

    def parts(q: Q) -> list[Any]:
        if q.connector != Q.OR or q.negated or len(q.children) < 2:
            return [q]
        out: list[Any] = []
        for child in q.children:
            out.extend(parts(child) if isinstance(child, Q) else [Q(child)])
        return out

    manager = model._default_manager
    if not scope:
        return [manager.all()]
    read = {} if read is None else read
    return [manager.filter(_exists_for_many(model, part, read)) for part in parts(scope)]


def visible_incoming(user: User) -> QuerySet[IncomingDocument]:
    """The incoming documents `user` may see (policies.incoming_scope), each once."""
    from motcua.documents import policies

    return _each_once(IncomingDocument, policies.incoming_scope(user))


def visible_outgoing(user: User) -> QuerySet[OutgoingDocument]:
    """The outgoing documents `user` may see (policies.outgoing_scope), each once."""
    from motcua.documents import policies

    return _each_once(OutgoingDocument, policies.outgoing_scope(user))


def _each_once(model: type[D], scope: Q) -> QuerySet[D]:
    """`model` rows matching `scope`, each once: the scope follows many-valued relations
    (co-units, reviewers), and filtering by it as it is would list a document once per matching
    co-unit. Each such lookup becomes an EXISTS subquery instead of a join (`_exists_for_many`):
    the same documents, no duplicates, and plans as cheap as for the other conditions."""
    manager = model._default_manager
    return manager.all() if not scope else manager.filter(_exists_for_many(model, scope))


def _exists_for_many(model: type[Model], q: Q, read: dict[str, list[Any]] | None = None) -> Q:
    """`q` made easy to plan, same meaning:

    - every lookup across a many-to-many or reverse foreign-key relation becomes EXISTS over
      the relation's rows, e.g. Q(co_units__in=units) becomes
      Q(Exists(through.filter(incomingdocument=OuterRef("pk"), organisation__in=units))):
      no join, so no document twice;
    - a subquery of organisations (`organisation__in=organisations_in_scope(user)`) is read
      first and written as its ids: PostgreSQL cannot see how many rows a subquery gives and
      guessed 16 agencies instead of 2 on the bench (then walked 330,000 documents). `read`
      keeps the ids read, by SQL, for the other parts of the same scope."""
    read = {} if read is None else read
    children: list[Any] = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_exists_for_many(model, child, read))
            continue
        if not isinstance(child, tuple):
            children.append(child)
            continue
        lookup, value = child
        if (
            lookup.endswith("__in")
            and isinstance(value, QuerySet)
            and value.model is Organisation
            and getattr(value, "_fields", None) in ((), ("pk",), ("id",))  # their ids
        ):
            key = str(value.query)
            if key not in read:
                read[key] = list(value.values_list("pk", flat=True))
            value = read[key]
            child = (lookup, value)
        name, _, rest = lookup.partition(LOOKUP_SEP)
        try:
            field: Any = model._meta.get_field(name)
        except FieldDoesNotExist:
            children.append(child)
            continue
        if field.many_to_many and not field.auto_created:  # a ManyToManyField of `model`
            through = field.remote_field.through._default_manager
            target = field.m2m_reverse_field_name() + (LOOKUP_SEP + rest if rest else "")
            rows = through.filter(**{field.m2m_field_name(): OuterRef("pk"), target: value})
        elif field.one_to_many or field.many_to_many:  # the other side of a relation
            rows = field.related_model._default_manager.filter(
                **{field.field.name: OuterRef("pk"), rest or "pk": value}
            )
        else:
            children.append(child)
            continue
        children.append(Exists(rows))
    return Q(*children, _connector=q.connector, _negated=q.negated)


def count_capped(qs: QuerySet[Any]) -> int:
    """For a page of search results: how many there are, up to COUNT_CAP + 1 (show "more than
    COUNT_CAP" then). COUNT over a subquery with the page's ORDER BY and a LIMIT, so that
    PostgreSQL may stop walking the newest documents once it has found enough (for a common
    word that is far cheaper than collecting every match from the index)."""
    return qs[: COUNT_CAP + 1].count()
