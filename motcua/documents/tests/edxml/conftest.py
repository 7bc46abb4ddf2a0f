"""edXML test helpers: the sample packages, and both ways the parser reads (whole and streamed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from motcua.documents.edxml import parser

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> Path:
    return SAMPLES / name


def sample_text(name: str) -> str:
    return sample(name).read_text(encoding="utf-8")


@pytest.fixture(params=["whole", "streamed"])
def parse_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once with small inputs parsed in one go and once with every input streamed
    through the chunked parser target (as a large package is)."""
    if request.param == "streamed":
        monkeypatch.setattr(parser, "WHOLE_PARSE_MAX", 0)
        monkeypatch.setattr(parser, "FEED_CHUNK", 97)  # odd-sized chunks cut text anywhere
        monkeypatch.setattr(parser, "DECODE_CHUNK", 8)
    return str(request.param)
