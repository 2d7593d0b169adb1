"""Shared by the services' tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vote_counter import i18n


@pytest.fixture
def english() -> Iterator[None]:
    """The services' messages in English for one test (vote_counter.i18n, no Qt), Vietnamese again after it."""
    i18n.use_language(i18n.ENGLISH)
    try:
        yield
    finally:
        i18n.use_language(i18n.VIETNAMESE)
