"""Property tests: for generated packages (Vietnamese text, 0–3 attachments), reading what the
builder wrote gives the package back, and build → parse → build is byte-stable, whether the
parser reads the input whole or streamed."""

from __future__ import annotations

from datetime import date, datetime
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.documents.edxml import (
    Attachment,
    Business,
    EdocPackage,
    Organ,
    ResponseFor,
    Signer,
    StaffInfo,
    StatusPackage,
    TraceHeader,
    XmlNode,
    build_bytes,
    parse,
    parser,
)
from motcua.documents.edxml.model import STATUS_CODES, VIETNAM_TZ

VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
ALPHABET = VIETNAMESE + VIETNAMESE.upper() + "0123456789 .,;:/-–()&<>\"'\n\r\t"
XML_WS = " \t\r\n"

characters = st.one_of(
    st.sampled_from(ALPHABET),
    st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"),
)


def texts(max_size: int = 40, *, min_size: int = 0) -> st.SearchStrategy[str]:
    # Leading and trailing XML whitespace is not significant in a package.
    return (
        st.text(characters, max_size=max_size)
        .map(lambda s: s.strip(XML_WS))
        .filter(lambda s: len(s) >= min_size)
    )


organ_ids = st.one_of(
    st.from_regex(r"\A\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}\Z"),  # the 13-character form
    texts(35, min_size=1),  # anything else, kept as received
)
dates = st.none() | st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))
timestamps = st.none() | st.datetimes(
    min_value=datetime(1976, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(VIETNAM_TZ)
).map(lambda d: d.replace(microsecond=0))
numbers = st.none() | st.integers(min_value=0, max_value=10**9)

organs = st.builds(
    Organ,
    organ_id=organ_ids,
    organ_name=texts(),
    organization_in_charge=texts(),
    organ_add=texts(),
    email=texts(),
    telephone=texts(),
    fax=texts(),
    website=texts(),
)
responses = st.builds(
    ResponseFor,
    organ_id=texts(),
    code=texts(),
    promulgation_date=dates,
    document_id=texts(),
)
staff = st.builds(StaffInfo, department=texts(), staff=texts(), mobile=texts(), email=texts())
# Names the parser reads as Business fields are not generic details.
detail_names = st.sampled_from(
    ["BussinessDocumentInfo", "ReplacementInfoList", "ReceiverList", "OrganIdList", "Extra-1"]
)
nodes = st.recursive(
    st.builds(XmlNode, name=detail_names, text=texts()),
    lambda children: st.builds(
        XmlNode, name=detail_names, text=texts(), children=st.lists(children, max_size=3)
    ),
    max_leaves=6,
)
businesses = st.none() | st.builds(
    Business,
    business_doc_type=st.none() | st.integers(0, 3),
    business_doc_reason=texts(),
    document_id=texts(),
    staff_info=st.lists(staff, max_size=2),
    paper=st.none() | st.integers(0, 1),
    # the builder writes BussinessDocumentInfo first (the SDK's order)
    details=st.lists(nodes, max_size=3).map(
        lambda items: sorted(items, key=lambda n: n.name != "BussinessDocumentInfo")
    ),
)


@st.composite
def attachments(draw: st.DrawFn) -> Attachment:
    return Attachment.from_bytes(
        draw(texts(60, min_size=1)),
        draw(st.binary(max_size=3000)),
        content_type=draw(
            st.sampled_from(["application/pdf", "application/octet-stream", "text/plain"])
        ),
        content_id=str(draw(st.uuids())),
        description=draw(texts()),
    )


edocs = st.builds(
    EdocPackage,
    from_=organs,
    to=st.lists(organs, min_size=1, max_size=3),
    code_number=texts(10, min_size=1),
    code_notation=texts(20),
    place=texts(),
    promulgation_date=dates,
    document_type=numbers,
    type_name=texts(),
    subject=texts(500),
    content=texts(500),
    signer=st.builds(Signer, competence=texts(), position=texts(), full_name=texts()),
    due_date=dates,
    to_places=st.lists(texts(150), max_size=3),
    priority=st.integers(0, 4),
    sphere_of_promulgation=texts(),
    typer_notation=texts(),
    promulgation_amount=numbers,
    page_amount=numbers,
    appendixes=st.lists(texts(), max_size=3),
    response_for=st.lists(responses, max_size=2),
    steering_type=numbers,
    document_id=st.one_of(st.uuids().map(str), texts(80, min_size=1)),
    trace_headers=st.lists(
        st.builds(TraceHeader, organ_id=texts(), timestamp=timestamps), max_size=3
    ),
    business=businesses,
    attachments=st.lists(attachments(), max_size=3),
)
statuses = st.builds(
    StatusPackage,
    from_=organs,
    response_for=responses,
    staff=staff,
    status_code=st.sampled_from(sorted(STATUS_CODES)),
    description=texts(200),
    timestamp=timestamps.filter(lambda t: t is not None),
)
packages = st.one_of(edocs, statuses)

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(packages)
def test_parse_of_build_gives_the_package_back(package: EdocPackage | StatusPackage) -> None:
    assert parse(build_bytes(package)) == package


@SETTINGS
@given(packages)
def test_build_parse_build_is_byte_stable(package: EdocPackage | StatusPackage) -> None:
    first = build_bytes(package)

    second = build_bytes(parse(first))

    assert second == first


@SETTINGS
@given(edocs)
def test_streamed_and_whole_parsing_agree(package: EdocPackage) -> None:
    data = build_bytes(package)

    with (
        mock.patch.object(parser, "WHOLE_PARSE_MAX", 0),
        mock.patch.object(parser, "FEED_CHUNK", 113),
        mock.patch.object(parser, "DECODE_CHUNK", 12),
    ):
        streamed = parse(data)

    assert streamed == parse(data) == package
