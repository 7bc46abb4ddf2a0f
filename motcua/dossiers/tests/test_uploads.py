"""The upload size check and its message: the sizes shown differ whenever the file is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.errors import ValidationFailed
from motcua.dossiers.uploads import MIB, check_upload, size_and_limit

PDF = b"%PDF-1.4\n"


class Sized(SimpleUploadedFile):
    """An upload that reports `size` without holding that many bytes."""

    def __init__(self, size: int) -> None:
        super().__init__("ho-so-lon.pdf", PDF + b"0" * 16, "application/pdf")
        self.size = size


def test_a_file_just_over_the_default_limit_reads_larger_than_the_limit(settings: Any) -> None:
    # given: the default limit, 20 × 1024 × 1024 bytes, and a 21,000,000-byte file
    settings.MOTCUA_UPLOAD_MAX_BYTES = 20 * MIB

    # when
    with translation.override("vi"), pytest.raises(ValidationFailed) as error:
        check_upload(Sized(21_000_000), field="file")

    # then
    assert error.value.code == "file_too_large"
    message = str(error.value.message)
    assert "20,03 MB" in message
    assert "20,00 MB" in message
    assert "20,0 MB" not in message


def test_the_limit_itself_is_accepted_and_one_byte_more_is_not(settings: Any) -> None:
    settings.MOTCUA_UPLOAD_MAX_BYTES = 20 * MIB

    assert check_upload(Sized(20 * MIB), field="file").size == 20 * MIB
    with translation.override("vi"), pytest.raises(ValidationFailed) as error:
        check_upload(Sized(20 * MIB + 1), field="file")
    assert "20,01 MB" in str(error.value.message)


@pytest.mark.parametrize(
    ("size", "limit", "expected"),
    [
        (25 * MIB, 20 * MIB, ("25,0 MB", "20,0 MB")),
        (21_000_000, 20 * MIB, ("20,03 MB", "20,00 MB")),
        (20_000_001, 20_000_000, ("19,08 MB", "19,07 MB")),
        (3000, 2048, ("2,9 KB", "2,0 KB")),
        (2049, 2048, ("2,01 KB", "2,00 KB")),
        (300, 100, ("300\xa0byte", "100\xa0byte")),
    ],
)
def test_size_and_limit(size: int, limit: int, expected: tuple[str, str]) -> None:
    with translation.override("vi"):
        assert size_and_limit(size, limit) == expected


@given(limit=st.integers(1, 4 * 1024 * MIB), over=st.integers(1, 100 * MIB))
def test_a_refused_size_never_reads_like_the_limit(limit: int, over: int) -> None:
    size_text, limit_text = size_and_limit(limit + over, limit)
    assert size_text != limit_text
