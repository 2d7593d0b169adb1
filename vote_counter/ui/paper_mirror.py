"""A paper-like mirror for long ballots (issue 11): which page of the paper ballot the current row is on.

Past 30 names the grid scrolls; the member keys from a paper of several pages, so the line beside the grid says
"Dòng 34/45 — trang 2/2 của phiếu giấy", from the same layout the ballots were printed with (A4 portrait, the
default format; SPEC §5).
"""

from __future__ import annotations

from collections.abc import Sequence

from vote_counter.documents.page_format import PageFormat
from vote_counter.domain.model import Meeting, Nominee, Round
from vote_counter.ui import texts

MIRROR_FROM = 30


class PaperMirror:
    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._pages: list[tuple[int, int]] = []

    def load(self, meeting: Meeting | None, round_: Round | None, nominees: Sequence[Nominee]) -> None:
        key = (round_, tuple(nominees))
        if key == self._key:
            return
        self._key = key
        self._pages = []
        if meeting is None or round_ is None or len(nominees) <= MIRROR_FROM:
            return
        # ReportLab (the layout measures text with its fonts) loads only when a long ballot is first shown.
        from vote_counter.documents.ballot_layout import ballot_layout

        layout = ballot_layout(meeting, round_, nominees, PageFormat.A4_PORTRAIT)
        page_of = {
            row.nominee_index: page.index + 1
            for page in layout.pages
            for row in page.rows
            if row.nominee_index is not None
        }
        total = len(layout.pages)
        self._pages = [(page_of.get(i, 1), total) for i in range(len(nominees))]

    def line(self, row: int) -> str:
        """The mirror's line for a 0-based row, or "" for a ballot that fits on the screen."""
        if not 0 <= row < len(self._pages):
            return ""
        page, total = self._pages[row]
        return texts.PAPER_MIRROR.format(row=row + 1, rows=len(self._pages), page=page, pages=total)
