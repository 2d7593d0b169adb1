"""Chuẩn bị → Thông tin văn bản: what the minutes need besides the count (SPEC §7, issue 13).

The number of each round's minutes, the symbol, the issuing body, the place of the date line, the recipients
with their copy counts and, if not the board, who signs. Saved in one action through DocumentService; a line
that cannot be read is named and nothing is saved.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vote_counter.domain.documents import DocumentDetails, Recipient, Signer
from vote_counter.domain.model import RoundId
from vote_counter.services.errors import ServiceError
from vote_counter.ui import texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.pages.base import Page
from vote_counter.ui.widgets import StatusLine, allow

SEPARATOR = "|"
MISSING_STYLE = "color: #8a4b00; font-weight: bold;"
COMPLETE_STYLE = "color: #0b5d1e;"


class LineError(ValueError):
    """A recipient or signer line that cannot be read: the message is for the user."""


def recipient_lines(recipients: tuple[Recipient, ...]) -> str:
    return "\n".join(f"{r.name} {SEPARATOR} {r.copies}" for r in recipients)


def signer_lines(signers: tuple[Signer, ...]) -> str:
    return "\n".join(f"{s.title} {SEPARATOR} {s.name}" for s in signers)


def parse_recipients(text: str) -> tuple[Recipient, ...]:
    """'Tên nơi nhận | số bản' per line ('| 1' may be left out); blank lines skipped."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, _, copies = line.rpartition(SEPARATOR) if SEPARATOR in line else (line, "", "1")
        try:
            count = int(copies.strip())
        except ValueError as exc:
            raise LineError(texts.DOC_BAD_RECIPIENT.format(line=number)) from exc
        out.append(Recipient(name.strip(), count))
    return tuple(out)


def parse_signers(text: str) -> tuple[Signer, ...]:
    """'CHỨC DANH | Họ và tên' per line; blank lines skipped."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        title, sep, name = line.partition(SEPARATOR)
        if not sep or not title.strip() or not name.strip():
            raise LineError(texts.DOC_BAD_SIGNER.format(line=number))
        out.append(Signer(title.strip(), name.strip()))
    return tuple(out)


class DocumentForm(Page):
    def __init__(self, ctx: AppContext, status: StatusLine, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._status = status
        self.issuer = QLineEdit()
        self.issuer.setPlaceholderText(texts.DOC_ISSUER_HINT)
        self.place = QLineEdit()
        self.symbol = QLineEdit()
        self.symbol.setPlaceholderText(texts.DOC_SYMBOL_HINT)
        self.numbers = QTableWidget(0, 2)
        self.numbers.setHorizontalHeaderLabels([texts.DOC_COL_ROUND, texts.DOC_COL_NUMBER])
        header = self.numbers.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the round's title reads whole
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.numbers.setColumnWidth(1, 140)
        self.numbers.verticalHeader().setVisible(False)
        self.recipients = QPlainTextEdit()
        self.recipients.setPlaceholderText(texts.DOC_RECIPIENTS_HINT)
        self.signers = QPlainTextEdit()
        self.signers.setPlaceholderText(texts.DOC_SIGNERS_HINT)
        for edit in (self.recipients, self.signers):
            edit.setMaximumHeight(90)
        form = QFormLayout()
        form.addRow(texts.DOC_ISSUER, self.issuer)
        form.addRow(texts.DOC_PLACE, self.place)
        form.addRow(texts.DOC_SYMBOL, self.symbol)
        form.addRow(texts.DOC_NUMBERS, self.numbers)
        form.addRow(texts.DOC_RECIPIENTS, self.recipients)
        form.addRow(texts.DOC_SIGNERS, self.signers)
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.save_button = QPushButton(texts.DOC_SAVE)
        self.save_button.clicked.connect(self.save)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.missing)
        layout.addLayout(row)
        layout.addStretch(1)
        self._round_ids: list[RoundId] = []

    def refresh(self) -> None:
        meeting_id = self.ctx.meeting_id
        ws = self.ctx.workspace
        details = ws.documents.details(meeting_id) if meeting_id is not None else DocumentDetails()
        self.issuer.setText(details.issuer)
        self.place.setText(details.place)
        self.symbol.setText(details.symbol)
        self.recipients.setPlainText(recipient_lines(details.recipients))
        self.signers.setPlainText(signer_lines(details.signers))
        rounds = ws.setup.rounds(meeting_id) if meeting_id is not None else []
        self._round_ids = [RoundId(r.id) for r in rounds if r.id is not None]
        self.numbers.setRowCount(len(self._round_ids))
        for row, r in enumerate(r for r in rounds if r.id is not None):
            title = QTableWidgetItem(r.title)
            title.setFlags(title.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.numbers.setItem(row, 0, title)
            self.numbers.setItem(row, 1, QTableWidgetItem(details.number(r.id)))
        height = min(200, 34 + 30 * max(1, len(self._round_ids)))
        self.numbers.setMinimumHeight(height)
        self.numbers.setMaximumHeight(height)
        self._show_missing()
        sealed = self.ctx.meeting_sealed()
        editable = meeting_id is not None and not sealed
        why = texts.WHY_SEALED_MEETING if sealed else texts.DOC_WHY_NO_MEETING
        for w in (self.issuer, self.place, self.symbol, self.numbers, self.recipients, self.signers, self.save_button):
            allow(w, editable, why)

    def _show_missing(self) -> None:
        rid = self.ctx.round_id
        missing = self.ctx.workspace.reports.missing_details(rid) if rid is not None else []
        self.missing.setText(texts.DOC_MISSING.format(items=", ".join(missing)) if missing else texts.DOC_COMPLETE)
        self.missing.setStyleSheet(MISSING_STYLE if missing else COMPLETE_STYLE)

    def details(self) -> DocumentDetails:
        numbers = {}
        for row, rid in enumerate(self._round_ids):
            item = self.numbers.item(row, 1)
            numbers[int(rid)] = item.text() if item is not None else ""
        return DocumentDetails(
            issuer=self.issuer.text(),
            place=self.place.text(),
            symbol=self.symbol.text(),
            numbers=numbers,
            recipients=parse_recipients(self.recipients.toPlainText()),
            signers=parse_signers(self.signers.toPlainText()),
        )

    def save(self) -> None:
        meeting_id = self.ctx.meeting_id
        if meeting_id is None:
            return
        try:
            self.ctx.workspace.documents.save(meeting_id, self.details())
        except (ServiceError, LineError) as exc:
            self._status.show_error(exc.message if isinstance(exc, ServiceError) else str(exc))
            return
        self._status.show_ok(texts.DOC_SAVED)
        self.refresh()
