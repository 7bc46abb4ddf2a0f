"""Vietnamese text folding for search: diacritics removed, đ = d, case-folded."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str | None) -> str:
    """'Đăng ký Hộ kinh doanh' -> 'dang ky ho kinh doanh'."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().casefold()


# Vietnamese alphabetical order: a ă â b c d đ e ê … o ô ơ … u ư …, the tone marks only
# breaking ties (no tone, grave, hook, tilde, acute, dot below).
_ALPHABET = {
    letter: rank for rank, letter in enumerate("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz", start=1)
}
_TONES = "\u0300\u0309\u0303\u0301\u0323"
_TOKENS = re.compile(r"\d+|.", re.S)  # a number, or one character


def vietnamese_sort_key(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """Sort key for Vietnamese names: "Đầm Dơi" after "Dân", "Ủy ban …" after "Sở …" (code
    points would put every "Đ" and "Ủ" after "Z"), "Phường 2" before "Phường 10"."""
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for token in _TOKENS.findall(unicodedata.normalize("NFC", text.casefold())):
        if token.isdigit():
            letters.append((1, int(token)))
            tones.append(0)
            continue
        parts = unicodedata.normalize("NFD", token)
        letter = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        if letter in _ALPHABET:
            letters.append((2, _ALPHABET[letter]))
        else:
            letters.append((3, ord(letter[0])) if letter.isalnum() else (0, 0))
        tones.append(next((_TONES.index(c) + 1 for c in parts if c in _TONES), 0))
    return tuple(letters), tuple(tones)
