"""Vietnamese alphabetical order of names (by given name, then the rest)."""

from __future__ import annotations

import unicodedata

from vote_counter.domain.collation import collation_key, name_key


def test_letters_in_vietnamese_order() -> None:
    words = ["đa", "da", "ê", "e", "ơ", "ô", "o", "â", "ă", "a", "ư", "u", "b"]
    assert sorted(words, key=collation_key) == ["a", "ă", "â", "b", "da", "đa", "e", "ê", "o", "ô", "ơ", "u", "ư"]


def test_tones_only_after_letters() -> None:
    words = ["ạ", "á", "ã", "ả", "à", "a", "ab"]
    assert sorted(words, key=collation_key) == ["a", "à", "ả", "ã", "á", "ạ", "ab"]
    # The letters decide first: "ác" < "ă" although á has a tone.
    assert sorted(["ă", "ác"], key=collation_key) == ["ác", "ă"]


def test_names_by_given_name_then_the_rest_nfd_equal_to_nfc() -> None:
    names = ["Trần Văn Ưng", "Nguyễn Thị Ánh", "Lê Văn Anh", "Phạm Đức Ân", "Bùi Văn Anh", "Vũ Thị Bình"]
    assert sorted(names, key=name_key) == [
        "Bùi Văn Anh",
        "Lê Văn Anh",
        "Nguyễn Thị Ánh",
        "Phạm Đức Ân",
        "Vũ Thị Bình",
        "Trần Văn Ưng",
    ]
    for name in names:
        assert name_key(unicodedata.normalize("NFD", name)) == name_key(name)
