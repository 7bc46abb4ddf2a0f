"""/office/documents/search/?q=…: one search across the incoming and outgoing documents the
official may see (number and notation, summary, author, signer, the text of text PDFs),
diacritics ignored. Thin: `search.search_all` finds and scopes; this page explains an empty or
too short query, marks the words found in each summary and pages through the results.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.core.text import fold
from motcua.documents import search
from motcua.documents.models import IncomingDocument, OutgoingDocument
from motcua.documents.web import official_required

# Fewer letters and digits than this in the whole query is not a search: "a" or "5" would match
# a large part of the documents.
MIN_QUERY_CHARS = 2


@dataclass(frozen=True)
class Segment:
    """A piece of a summary; `found` when it is one of the words searched for."""

    text: str
    found: bool = False


@dataclass
class Result:
    kind: str  # "incoming" or "outgoing"
    kind_label: str
    document: IncomingDocument | OutgoingDocument
    at: dt.datetime
    href: str
    number: str
    author: str
    summary: list[Segment]
    in_text_only: bool  # the words are in its content or files, not in what the row shows


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """`text` folded (motcua.core.text.fold without collapsing spaces) and, for each folded
    character, the index of the character of `text` it comes from."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(unicodedata.normalize("NFC", text)):
        for out in fold(char) if not char.isspace() else " ":
            folded.append(out)
            origin.append(index)
    return "".join(folded), origin


def marked(text: str, words: list[str]) -> list[Segment]:
    """`text` cut into segments, those that start a word with one of `words` (folded, as
    `search.query_words` gives them) marked: "quyet" marks "Quyết" in "Quyết định"."""
    text = unicodedata.normalize("NFC", text)
    if not words or not text:
        return [Segment(text)] if text else []
    folded, origin = _folded_with_positions(text)
    pattern = re.compile(
        "|".join(rf"(?<![\w]){re.escape(w)}" for w in sorted(words, key=len, reverse=True))
    )
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(folded):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    segments: list[Segment] = []
    cursor = 0
    for start, end in spans:
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start:end], found=True))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments


def _shown_has_every_word(shown: str, words: list[str]) -> bool:
    folded = fold(shown)
    return all(re.search(rf"(?<![\w]){re.escape(w)}", folded) for w in words)


def _result(hit: search.SearchHit, words: list[str]) -> Result:
    document = hit.document
    if isinstance(document, IncomingDocument):
        kind_label = _("Incoming")
        href = reverse("documents:incoming_detail", args=[document.pk])
        author = document.sender_name
        people = document.signer_name
    else:
        kind_label = _("Outgoing")
        href = reverse("documents:outgoing_detail", args=[document.pk])
        author = document.organisation.name
        people = document.drafter.full_name
    number = document.number_notation
    shown = " ".join(
        [number, document.get_document_type_display(), document.subject, author, people]
    )
    return Result(
        kind=hit.kind,
        kind_label=kind_label,
        document=document,
        at=hit.at,
        href=href,
        number=number,
        author=author,
        summary=marked(document.subject, words),
        in_text_only=not _shown_has_every_word(shown, words),
    )


def _problem(query: str) -> str:
    """Why `query` is not searched, in words; "" when it is."""
    if not query.strip():
        return ""
    words = search.query_words(query)
    if not words:
        return _("Type letters or digits: punctuation alone is not searched.")
    if sum(len(re.sub(r"\W", "", w)) for w in words) < MIN_QUERY_CHARS:
        return _(
            "The search is too short: type at least %(n)d letters or digits, for example "
            "a number and notation such as “05/QĐ-UBND” or a word of the summary."
        ) % {"n": MIN_QUERY_CHARS}
    return ""


def _page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


@official_required
@require_GET
def documents_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[: search.MAX_QUERY_CHARS * 2].strip()
    problem = _problem(query)
    context: dict[str, Any] = {
        "query": query,
        "problem": problem,
        "max_chars": search.MAX_QUERY_CHARS,
        "results": [],
        "page": None,
    }
    if query and not problem:
        user: Any = request.user  # an official: official_required
        page = search.search_all(user, query, _page_number(request.GET.get("page")))
        words = page.words
        context.update(
            page=page,
            results=[_result(hit, words) for hit in page.hits],
            words=words,
            cut=len(query) > search.MAX_QUERY_CHARS
            or len(fold(query).split()) > search.MAX_QUERY_WORDS,
            max_words=search.MAX_QUERY_WORDS,
            count_cap=search.COUNT_CAP,
            last_page=page.number >= search.MAX_PAGE,
            page_query=urlencode({"q": query}),
            first_rank=(page.number - 1) * page.page_size + 1,
        )
    return render(request, "documents/search/results.html", context)
