"""Print setup of every results sheet: A4, fit to the page width, heading rows repeated, the secrecy marking
in the page header and the page number with the check code in the footer (SPEC §7: a printed workbook page is
as confidential as the minutes it comes from)."""

from __future__ import annotations

from typing import Any

from vote_counter.documents import labels as L


def print_setup(ws: Any, *, secrecy: str | None, footer: str, title_rows: str | None, landscape: bool = False) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as it takes
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    if title_rows:
        ws.print_title_rows = title_rows
    for header in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
        if secrecy:
            header.right.text = f"&B{secrecy}"  # bold, top right, as on the minutes
            header.right.size = 13
            header.right.font = "Times New Roman,Bold"
    for foot in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
        foot.left.text = footer.replace("&", "&&")
        foot.left.size = 9
        foot.right.text = L.PAGE.format(page="&P", pages="&N")
        foot.right.size = 11
