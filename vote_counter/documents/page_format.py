"""The paper formats ballots are printed on: a module of its own, so choosing one imports no PDF library."""

from __future__ import annotations

from enum import StrEnum


class PageFormat(StrEnum):
    A4_PORTRAIT = "a4_portrait"
    A4_LANDSCAPE = "a4_landscape"
    A5_PORTRAIT = "a5_portrait"
