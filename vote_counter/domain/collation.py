"""Vietnamese alphabetical order for names (pure: used by the nominee table and the importers).

Letters in the Vietnamese order (a ă â b c d đ e ê …), tones compared only after the letters,
in the order of CLDR's Vietnamese collation: no tone, huyền, hỏi, ngã, sắc, nặng. A name is
sorted by its given name (the last word), then by the rest (family and middle names).
"""

from __future__ import annotations

import unicodedata

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(ALPHABET)}
# Marks that make a different letter (ă â ê ô ơ ư), not a tone.
_LETTER_MARKS = frozenset({"\u0306", "\u0302", "\u031b"})
# Tones, in collation order (CLDR vi: ̀ < ̉ < ̃ < ́ < ̣).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

Key = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]


def _letters(text: str) -> list[tuple[str, int, bool]]:
    """(letter, tone, upper) for each letter of the text, the letter marks kept with their base."""
    out: list[tuple[str, int, bool]] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and out:
            base, tone, upper = out[-1]
            if ch in _LETTER_MARKS:
                out[-1] = (unicodedata.normalize("NFC", base + ch), tone, upper)
            elif ch in _TONES:
                out[-1] = (base, _TONES[ch], upper)
            continue
        out.append((ch.lower(), 0, ch != ch.lower()))
    return out


def collation_key(text: str) -> Key:
    """Letters first (primary), then tones (secondary), then case (tertiary)."""
    letters = _letters(unicodedata.normalize("NFC", text).strip())
    primary = tuple(
        (1000 + _LETTER_RANK[letter]) if letter in _LETTER_RANK else (0 if letter.isspace() else 2000 + ord(letter[0]))
        for letter, _, _ in letters
    )
    secondary = tuple(tone for _, tone, _ in letters)
    tertiary = tuple(int(upper) for _, _, upper in letters)
    return primary, secondary, tertiary


def name_key(full_name: str) -> tuple[Key, Key]:
    """Sort key for a Vietnamese full name: given name (last word), then the rest."""
    words = unicodedata.normalize("NFC", full_name).split()
    if not words:
        return collation_key(""), collation_key("")
    return collation_key(words[-1]), collation_key(" ".join(words[:-1]))
