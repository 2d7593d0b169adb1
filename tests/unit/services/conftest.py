"""Shared by the services' tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from vote_counter import i18n
from vote_counter.storage import fast_seal


@pytest.fixture
def english() -> Iterator[None]:
    """The services' messages in English for one test (vote_counter.i18n, no Qt), Vietnamese again after it."""
    i18n.use_language(i18n.ENGLISH)
    try:
        yield
    finally:
        i18n.use_language(i18n.VIETNAMESE)


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often a ballot save was sealed on the kept connection (services/ballot_save.py's lane)."""
    calls = {"sealed": 0}
    real = fast_seal.seal_written

    def spy(*args: Any) -> Any:
        calls["sealed"] += 1
        return real(*args)

    monkeypatch.setattr(fast_seal, "seal_written", spy)
    return calls
