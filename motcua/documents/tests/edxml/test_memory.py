"""Streaming: a package with a large attachment is read and written without holding it several
times in memory (the issue: a 50 MB attachment must not need ten times that). Memory is measured
with tracemalloc (Python's allocations); no timing is asserted."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from motcua.documents.edxml import Attachment, EdocPackage, Organ, build, parse_edoc

SIZE = 20 * 1024 * 1024


def peak_of(action: Callable[[], object]) -> tuple[int, object]:
    tracemalloc.start()
    try:
        result = action()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def big_package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A 20 MB random attachment (incompressible) in a built package file, and its digest."""
    folder = tmp_path_factory.mktemp("edxml-big")
    data_path = folder / "scan.pdf"
    digest = hashlib.sha256()
    with data_path.open("wb") as out:
        for _ in range(SIZE // (1024 * 1024)):
            block = os.urandom(1024 * 1024)
            digest.update(block)
            out.write(block)
    package = EdocPackage(
        from_=Organ(organ_id="000.00.00.H12", organ_name="UBND tỉnh Cà Mau"),
        to=[Organ(organ_id="000.00.12.H12")],
        code_number="05",
        code_notation="QĐ-UBND",
        promulgation_date=date(2026, 3, 9),
        attachments=[Attachment.from_path(data_path, content_type="application/pdf")],
    )
    package_path = folder / "big.edxml"
    with package_path.open("wb") as out:
        build(package, out)
    return package_path, digest.hexdigest()


def check(package: EdocPackage, digest: str) -> None:
    [attachment] = package.attachments
    assert attachment.size == SIZE
    sha = hashlib.sha256()
    for chunk in attachment.iter_chunks():
        sha.update(chunk)
    assert sha.hexdigest() == digest


def test_parsing_a_20_mb_attachment_from_a_file_stays_under_3x(big_package) -> None:  # type: ignore[no-untyped-def]
    path, digest = big_package

    peak, package = peak_of(lambda: parse_edoc(path))

    assert peak < 3 * SIZE, f"peak {peak / SIZE:.2f}× the attachment"
    check(package, digest)  # type: ignore[arg-type]


def test_parsing_a_20_mb_attachment_from_bytes_stays_under_3x(big_package) -> None:  # type: ignore[no-untyped-def]
    path, digest = big_package
    data = path.read_bytes()  # the caller's copy, made before measuring

    peak, package = peak_of(lambda: parse_edoc(data))

    assert peak < 3 * SIZE, f"peak {peak / SIZE:.2f}× the attachment"
    check(package, digest)  # type: ignore[arg-type]


def test_building_with_a_20_mb_attachment_streams_it(big_package, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _ = big_package
    package = parse_edoc(path)
    out_path = tmp_path / "again.edxml"

    def write() -> None:
        with out_path.open("wb") as out:
            build(package, out)

    peak, _ = peak_of(write)

    # one chunk of data and its base64 at a time, not the file
    assert peak < SIZE // 4, f"peak {peak / SIZE:.2f}× the attachment"
    assert out_path.read_bytes() == path.read_bytes()
