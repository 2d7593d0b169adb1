"""Chuẩn bị: the meeting, its rounds, the people on each ballot, the board, the counts (SPEC §1, §9)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vote_counter.domain.model import (
    BoardMember,
    BoardRole,
    Counts,
    HeaderStyle,
    Meeting,
    MeetingId,
    Secrecy,
    Stage,
)
from vote_counter.domain.rules import has_quorum
from vote_counter.services.accounts import Credential
from vote_counter.services.errors import ServiceError
from vote_counter.ui import sign_in, texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.pages.base import Page, stage_block
from vote_counter.ui.pages.document_form import DocumentForm
from vote_counter.ui.pages.round_forms import NomineesPanel, RoundForm
from vote_counter.ui.widgets import StatusLine, allow, combo_value, enum_combo, set_combo

MAX_PEOPLE = 100_000


class MeetingForm(Page):
    def __init__(self, ctx: AppContext, status: StatusLine, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._status = status
        self._new = False
        self.title = QLineEdit()
        self.organisation = QLineEdit()
        self.parent_body = QLineEdit()
        self.place = QLineEdit()
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.header_style = enum_combo(texts.HEADER_STYLE)
        self.secrecy = enum_combo(texts.SECRECY)
        self.document_code = QLineEdit()
        form = QFormLayout()
        form.addRow(texts.F_MEETING_TITLE, self.title)
        form.addRow(texts.F_ORGANISATION, self.organisation)
        form.addRow(texts.F_PARENT, self.parent_body)
        form.addRow(texts.F_PLACE, self.place)
        form.addRow(texts.F_DATE, self.date)
        form.addRow(texts.F_HEADER, self.header_style)
        form.addRow(texts.F_SECRECY, self.secrecy)
        form.addRow(texts.F_DOC_CODE, self.document_code)
        self.save_button = QPushButton(texts.SAVE_MEETING)
        self.new_button = QPushButton(texts.NEW_MEETING)
        self.save_button.clicked.connect(self.save)
        self.new_button.clicked.connect(self.start_new)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def start_new(self) -> None:
        self._new = True
        for edit in (self.title, self.organisation, self.parent_body, self.place, self.document_code):
            edit.clear()
        self.date.setDate(QDate.currentDate())
        set_combo(self.header_style, HeaderStyle.STATE)
        set_combo(self.secrecy, Secrecy.MAT)
        self.title.setFocus()

    def refresh(self) -> None:
        meeting = self.ctx.meeting()
        self._new = meeting is None
        if meeting is None:
            for w in self._fields():
                allow(w, True)
            self.start_new()
            return
        self.title.setText(meeting.title)
        self.organisation.setText(meeting.organisation)
        self.parent_body.setText(meeting.parent_body)
        self.place.setText(meeting.place)
        self.document_code.setText(meeting.document_code)
        day = meeting.date or dt.date.today()
        self.date.setDate(QDate(day.year, day.month, day.day))
        set_combo(self.header_style, meeting.header_style)
        set_combo(self.secrecy, meeting.secrecy)
        sealed = self.ctx.meeting_sealed()
        for w in self._fields():
            allow(w, not sealed, texts.WHY_SEALED_MEETING)

    def _fields(self) -> tuple[QWidget, ...]:
        return (
            self.title,
            self.organisation,
            self.parent_body,
            self.place,
            self.date,
            self.header_style,
            self.secrecy,
            self.document_code,
            self.save_button,
        )

    def _meeting(self, meeting_id: MeetingId | None) -> Meeting:
        q = self.date.date()
        return Meeting(
            id=meeting_id,
            title=self.title.text(),
            organisation=self.organisation.text(),
            parent_body=self.parent_body.text(),
            place=self.place.text(),
            date=dt.date(q.year(), q.month(), q.day()),
            header_style=combo_value(self.header_style, HeaderStyle) or HeaderStyle.STATE,
            secrecy=combo_value(self.secrecy, Secrecy) or Secrecy.MAT,
            document_code=self.document_code.text(),
        )

    def save(self) -> None:
        setup = self.ctx.workspace.setup
        try:
            if self._new or self.ctx.meeting_id is None:
                meeting = setup.create_meeting(self._meeting(None))
                self._new = False
                self._status.show_ok(texts.MEETING_CREATED.format(title=meeting.title))
                self.ctx.structure_changed()
                self.ctx.select(meeting.id, None)
            else:
                setup.update_meeting(self._meeting(self.ctx.meeting_id))
                self._status.show_ok(texts.MEETING_SAVED)
                self.ctx.structure_changed()
        except ServiceError as exc:
            self._status.show_error(exc.message)


class BoardPanel(Page):
    def __init__(self, ctx: AppContext, status: StatusLine, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._status = status
        self._members: list[BoardMember] = []
        self.table = QTableWidget(0, len(texts.BOARD_HEADERS))
        self.table.setHorizontalHeaderLabels(list(texts.BOARD_HEADERS))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 320)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.name = QLineEdit()
        self.role = enum_combo(texts.ROLE)
        self.add_button = QPushButton(texts.ADD_MEMBER)
        self.remove_button = QPushButton(texts.REMOVE_MEMBER)
        self.passphrase_button = QPushButton(texts.SET_PASSPHRASE)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.passphrase_button.clicked.connect(self.set_passphrase)
        self.name.returnPressed.connect(self.add)
        form = QFormLayout()
        form.addRow(texts.F_FULL_NAME, self.name)
        form.addRow(texts.F_ROLE, self.role)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.passphrase_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        mid = self.ctx.meeting_id
        self._members = self.ctx.workspace.setup.board(mid) if mid is not None else []
        self.table.setRowCount(len(self._members))
        for i, m in enumerate(self._members):
            self.table.setItem(i, 0, QTableWidgetItem(m.full_name))
            self.table.setItem(i, 1, QTableWidgetItem(texts.ROLE[m.role]))
            has = texts.BOARD_HAS_PASSPHRASE if m.has_passphrase else texts.BOARD_NO_PASSPHRASE
            self.table.setItem(i, 2, QTableWidgetItem(has))
        sealed = self.ctx.meeting_sealed()
        for w in (self.add_button, self.remove_button, self.name, self.role):
            allow(w, mid is not None and not sealed, texts.WHY_NO_MEETING if mid is None else texts.WHY_SEALED_MEETING)
        allow(self.passphrase_button, mid is not None, texts.WHY_NO_MEETING, texts.SET_PASSPHRASE_TIP)

    def add(self) -> None:
        if self.ctx.meeting_id is None:
            return
        role = combo_value(self.role, BoardRole) or BoardRole.MEMBER
        try:
            self.ctx.workspace.setup.add_board_member(BoardMember(None, self.ctx.meeting_id, self.name.text(), role))
        except ServiceError as exc:
            self._status.show_error(exc.message)
            return
        self.name.clear()
        set_combo(self.role, BoardRole.MEMBER)
        self.refresh()

    def remove(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._members):
            return
        member = self._members[row]
        assert member.id is not None and member.meeting_id is not None
        auth = None
        if member.has_passphrase:  # removing an account: the chair and another member
            auth = sign_in.ask_approval(self, self.ctx.workspace, member.meeting_id, texts.ACTION_REMOVE_MEMBER)
            if auth is None:
                self._status.show_error(texts.APPROVAL_CANCELLED)
                return
        try:
            self.ctx.workspace.setup.remove_board_member(member.id, auth=auth)
        except ServiceError as exc:
            self._status.show_error(exc.message)
            return
        self.refresh()

    def set_passphrase(self) -> None:
        """The member types their own passphrase; the first one to set it is signed in at once."""
        row = self.table.currentRow()
        if not 0 <= row < len(self._members):
            self._status.show_error(texts.SELECT_MEMBER)
            return
        member = self._members[row]
        assert member.id is not None and member.meeting_id is not None
        values = sign_in.ask_new_passphrase(self, member)
        if values is None:
            return
        new, current = values
        ws = self.ctx.workspace
        try:
            ws.accounts.set_passphrase(member.id, new, current)
            if ws.accounts.signed_in_member(member.meeting_id) is None:
                ws.accounts.sign_in(Credential(member.id, new))
        except ServiceError as exc:
            self._status.show_error(exc.message)
            return
        self._status.show_ok(texts.PASSPHRASE_SET.format(name=member.full_name))
        self.refresh()
        self.ctx.changed()


class CountsForm(Page):
    def __init__(self, ctx: AppContext, status: StatusLine, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._status = status
        self.summoned, self.present, self.issued, self.collected = (self._spin() for _ in range(4))
        self.collected_known = QCheckBox(texts.F_COLLECTED_KNOWN)
        self.collected_known.toggled.connect(self.collected.setEnabled)
        self.quorum = QLabel()
        self.quorum.setWordWrap(True)
        for spin in (self.summoned, self.present):
            spin.valueChanged.connect(self._show_quorum)
        form = QFormLayout()
        form.addRow(texts.F_SUMMONED, self.summoned)
        form.addRow(texts.F_PRESENT, self.present)
        form.addRow(texts.F_ISSUED, self.issued)
        collected_row = QHBoxLayout()
        collected_row.addWidget(self.collected_known)
        collected_row.addWidget(self.collected)
        collected_row.addStretch(1)
        form.addRow(texts.F_COLLECTED, collected_row)
        self.save_button = QPushButton(texts.SAVE_COUNTS)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.quorum)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    @staticmethod
    def _spin() -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, MAX_PEOPLE)
        spin.setMinimumWidth(120)
        return spin

    def _show_quorum(self) -> None:
        ok = has_quorum(self.summoned.value(), self.present.value())
        self.quorum.setText(texts.QUORUM_OK if ok else texts.QUORUM_FAIL)
        self.quorum.setStyleSheet("color: #0b5d1e;" if ok else "color: #c00000; font-weight: bold;")

    def refresh(self) -> None:
        round_ = self.ctx.round()
        counts = round_.counts if round_ is not None else Counts()
        self.summoned.setValue(counts.summoned)
        self.present.setValue(counts.present)
        self.issued.setValue(counts.issued)
        self.collected_known.setChecked(counts.collected is not None)
        self.collected.setValue(counts.collected or 0)
        self.collected.setEnabled(counts.collected is not None)
        self._show_quorum()
        why = stage_block(
            round_.stage if round_ else None, Stage.PREPARATION, Stage.COUNTING, template=texts.WHY_NOT_COUNTING
        )
        for w in (self.summoned, self.present, self.issued, self.collected_known, self.save_button):
            allow(w, why is None, why or "")
        if why is not None:
            self.collected.setEnabled(False)

    def save(self) -> None:
        if self.ctx.round_id is None:
            return
        counts = Counts(
            summoned=self.summoned.value(),
            present=self.present.value(),
            issued=self.issued.value(),
            collected=self.collected.value() if self.collected_known.isChecked() else None,
        )
        try:
            self.ctx.workspace.setup.set_counts(self.ctx.round_id, counts)
        except ServiceError as exc:
            self._status.show_error(exc.message)
            return
        self._status.show_ok(texts.COUNTS_SAVED)
        self.ctx.changed()


class SetupPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.status = StatusLine()
        self.tabs = QTabWidget()
        self.meeting_form = MeetingForm(ctx, self.status)
        self.round_form = RoundForm(ctx, self.status)
        self.nominees = NomineesPanel(ctx, self.status)
        self.board = BoardPanel(ctx, self.status)
        self.counts = CountsForm(ctx, self.status)
        self.documents = DocumentForm(ctx, self.status)
        self.tabs.addTab(self.meeting_form, texts.TAB_MEETING)
        self.tabs.addTab(self.round_form, texts.TAB_ROUNDS)
        self.tabs.addTab(self.nominees, texts.TAB_NOMINEES)
        self.tabs.addTab(self.board, texts.TAB_BOARD)
        self.tabs.addTab(self.counts, texts.TAB_COUNTS)
        self.tabs.addTab(self.documents, texts.TAB_DOCUMENTS)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        self._parts: tuple[Page, ...] = (
            self.meeting_form, self.round_form, self.nominees, self.board, self.counts, self.documents,
        )  # fmt: skip

    def refresh(self) -> None:
        for part in self._parts:
            part.refresh()
