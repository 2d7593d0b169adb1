"""Set-up of one round: its definition (kind, levels, base, policy, seats…) and the people on its ballot."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vote_counter.domain.collation import name_key
from vote_counter.domain.model import (
    InvalidPolicy,
    LevelPreset,
    Mode,
    Nominee,
    NomineeId,
    PercentBase,
    Round,
    RoundId,
    RoundKind,
    Stage,
    nfc,
)
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.setup import MAX_SEATS
from vote_counter.ui import dialogs, texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.models import NomineesModel
from vote_counter.ui.pages import import_dialog
from vote_counter.ui.pages.base import Page, stage_block
from vote_counter.ui.widgets import StatusLine, allow, combo_value, enum_combo, set_combo


class RoundForm(Page):
    def __init__(self, ctx: AppContext, status: StatusLine, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._status = status
        self._new = False
        self.rounds = QListWidget()
        self.rounds.setWordWrap(True)
        self.rounds.setMinimumWidth(300)
        self.rounds.setMaximumWidth(380)
        self.locked_note = QLabel()
        self.locked_note.setWordWrap(True)
        self.locked_note.setStyleSheet("color: #6b4e00; background: #fff1c9; padding: 4px;")
        self.rounds.currentItemChanged.connect(self._picked)
        self.title = QLineEdit()
        self.kind = enum_combo(texts.KIND)
        self.position = QLineEdit()
        self.level_preset = enum_combo(texts.LEVEL_PRESET)
        self.percent_base = enum_combo(texts.BASE, default_label=texts.DEFAULT_CHOICE)
        self.invalid_policy = enum_combo(texts.POLICY, default_label=texts.DEFAULT_CHOICE)
        self.seats = QSpinBox()
        self.seats.setRange(1, MAX_SEATS)
        self.write_ins = QCheckBox(texts.F_WRITE_INS)
        self.announced = QCheckBox(texts.F_ANNOUNCED)
        self.double_entry = QCheckBox(texts.F_DOUBLE)
        self.blank_is_disagree = QCheckBox(texts.F_BLANK_DISAGREE)
        self.mode = enum_combo(texts.MODE)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        form = QFormLayout()
        form.addRow(texts.F_ROUND_TITLE, self.title)
        form.addRow(texts.F_KIND, self.kind)
        form.addRow(texts.F_POSITION, self.position)
        form.addRow(texts.F_LEVELS, self.level_preset)
        form.addRow(texts.F_BASE, self.percent_base)
        form.addRow(texts.F_POLICY, self.invalid_policy)
        form.addRow(texts.F_SEATS, self.seats)
        form.addRow(texts.F_MODE, self.mode)
        form.addRow("", self.write_ins)
        form.addRow("", self.blank_is_disagree)
        form.addRow("", self.announced)
        form.addRow("", self.double_entry)
        self.new_button = QPushButton(texts.NEW_ROUND)
        self.save_button = QPushButton(texts.SAVE_ROUND)
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.locked_note)
        right.addLayout(form)
        right.addLayout(buttons)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.rounds)
        layout.addLayout(right, 1)
        self._fields: tuple[QWidget, ...] = (
            self.title,
            self.kind,
            self.position,
            self.level_preset,
            self.percent_base,
            self.invalid_policy,
            self.seats,
            self.mode,
            self.write_ins,
            self.blank_is_disagree,
            self.announced,
            self.double_entry,
            self.save_button,
        )

    # ------------------------------------------------------------ drawing
    def refresh(self) -> None:
        self.rounds.blockSignals(True)
        self.rounds.clear()
        mid = self.ctx.meeting_id
        for r in self.ctx.workspace.setup.rounds(mid) if mid is not None else []:
            item = QListWidgetItem(f"{r.title}\n({texts.STAGE[r.stage]})")
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            self.rounds.addItem(item)
            if r.id == self.ctx.round_id:
                self.rounds.setCurrentItem(item)
        self.rounds.blockSignals(False)
        round_ = self.ctx.round()
        self._new = round_ is None
        if round_ is None:
            self._fill(Round(None, mid, texts.DEFAULT_ROUND_TITLE, RoundKind.CONFIDENCE))
            self.title.clear()
        else:
            self._fill(round_)
        self._enable()

    def _enable(self) -> None:
        round_ = self.ctx.round()
        if self.ctx.meeting_id is None:
            why: str | None = texts.WHY_NO_MEETING
        elif self._new or round_ is None:
            why = None
        else:
            why = stage_block(round_.stage, Stage.PREPARATION)
        for w in self._fields:
            allow(w, why is None, why or "")
        self.locked_note.setText(why or "")
        self.locked_note.setVisible(why is not None)
        allow(self.new_button, self.ctx.meeting_id is not None, texts.WHY_NO_MEETING)
        if why is None:
            self._kind_changed()

    def _fill(self, r: Round) -> None:
        self.title.setText(r.title)
        set_combo(self.kind, r.kind)
        self.position.setText(r.position)
        set_combo(self.level_preset, r.level_preset)
        set_combo(self.percent_base, r.percent_base)
        set_combo(self.invalid_policy, r.invalid_policy)
        self.seats.setValue(r.seats)
        set_combo(self.mode, r.mode)
        self.write_ins.setChecked(r.write_ins)
        self.blank_is_disagree.setChecked(r.blank_is_disagree)
        self.announced.setChecked(r.announced)
        self.double_entry.setChecked(r.double_entry)

    def _kind_changed(self) -> None:
        kind = combo_value(self.kind, RoundKind) or RoundKind.CONFIDENCE
        if not self.kind.isEnabled():
            return
        self.level_preset.setEnabled(kind is RoundKind.CONFIDENCE)
        self.seats.setEnabled(kind is RoundKind.NOMINATION)
        self.write_ins.setEnabled(kind is RoundKind.NOMINATION)
        self.blank_is_disagree.setEnabled(kind is RoundKind.APPROVAL)

    # ------------------------------------------------------------ actions
    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        self.ctx.select(self.ctx.meeting_id, RoundId(int(item.data(Qt.ItemDataRole.UserRole))))

    def start_new(self) -> None:
        self._new = True
        self._fill(Round(None, self.ctx.meeting_id, "", RoundKind.CONFIDENCE))
        self.rounds.clearSelection()
        self._enable()
        self.title.setFocus()

    def _from_form(self, base: Round) -> Round:
        kind = combo_value(self.kind, RoundKind) or RoundKind.CONFIDENCE
        return dataclasses.replace(
            base,
            title=self.title.text(),
            kind=kind,
            position=self.position.text(),
            level_preset=combo_value(self.level_preset, LevelPreset) or LevelPreset.QD96,
            percent_base=combo_value(self.percent_base, PercentBase),
            invalid_policy=combo_value(self.invalid_policy, InvalidPolicy),
            seats=self.seats.value() if kind is RoundKind.NOMINATION else 1,
            write_ins=self.write_ins.isChecked() and kind is RoundKind.NOMINATION,
            announced=self.announced.isChecked(),
            double_entry=self.double_entry.isChecked(),
            blank_is_disagree=self.blank_is_disagree.isChecked() and kind is RoundKind.APPROVAL,
            mode=combo_value(self.mode, Mode) or Mode.LIVE,
        )

    def save(self) -> None:
        mid = self.ctx.meeting_id
        if mid is None:
            return
        setup = self.ctx.workspace.setup
        current = self.ctx.round()
        try:
            if self._new or current is None:
                created = setup.create_round(self._from_form(Round(None, mid, "", RoundKind.CONFIDENCE)))
                self._new = False
                self._status.show_ok(texts.ROUND_CREATED.format(title=created.title))
                self.ctx.structure_changed()
                self.ctx.select(mid, created.id)
            else:
                setup.update_round(self._from_form(current))
                self._status.show_ok(texts.ROUND_SAVED)
                self.ctx.structure_changed()
                self.ctx.changed()
        except ServiceError as exc:
            self._status.show_error(exc.message)


class NomineesPanel(Page):
    def __init__(self, ctx: AppContext, status: StatusLine, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._status = status
        self.model = NomineesModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.full_name = QLineEdit()
        self.birth_year = QSpinBox()
        self.birth_year.setRange(1899, 2100)
        self.birth_year.setSpecialValueText(texts.NO_BIRTH_YEAR)
        self.current_position = QLineEdit()
        self.proposed_position = QLineEdit()
        self.unit = QLineEdit()
        form = QFormLayout()
        form.addRow(texts.F_FULL_NAME, self.full_name)
        form.addRow(texts.F_BIRTH_YEAR, self.birth_year)
        form.addRow(texts.F_CURRENT_POSITION, self.current_position)
        form.addRow(texts.F_PROPOSED_POSITION, self.proposed_position)
        form.addRow(texts.F_UNIT, self.unit)
        self.add_button = QPushButton(texts.ADD_NOMINEE)
        self.save_button = QPushButton(texts.SAVE_NOMINEE)
        self.remove_button = QPushButton(texts.REMOVE_NOMINEE)
        self.up_button = QPushButton(texts.MOVE_UP)
        self.down_button = QPushButton(texts.MOVE_DOWN)
        self.sort_button = QPushButton(texts.SORT_BY_NAME)
        self.import_button = QPushButton(texts.IMPORT_NOMINEES)
        self.import_button.clicked.connect(self.import_file)
        self.add_button.clicked.connect(self.add)
        self.save_button.clicked.connect(self.save_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.sort_button.clicked.connect(self.sort_by_name)
        self.full_name.returnPressed.connect(self.add)
        buttons = QHBoxLayout()
        for b in (
            self.add_button,
            self.save_button,
            self.remove_button,
            self.up_button,
            self.down_button,
            self.sort_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        self.locked_note = QLabel()
        self.locked_note.setWordWrap(True)
        self.locked_note.setStyleSheet("color: #6b4e00; background: #fff1c9; padding: 4px;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.locked_note)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self._controls: tuple[QWidget, ...] = (
            self.full_name,
            self.birth_year,
            self.current_position,
            self.proposed_position,
            self.unit,
            self.add_button,
            self.save_button,
            self.remove_button,
            self.up_button,
            self.down_button,
            self.sort_button,
            self.import_button,
        )
        self.sort_button.setToolTip(texts.SORT_TIP)

    def refresh(self, keep: NomineeId | None = None) -> None:
        self.model.set_nominees(self.ctx.nominees())
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(1, max(self.table.columnWidth(1), 260))
        if keep is not None:
            for row, n in enumerate(self.model.nominees()):
                if n.id == keep:
                    self.table.selectRow(row)
        why = self._why_locked()
        self.locked_note.setText(why or "")
        self.locked_note.setVisible(why is not None)
        tips: dict[QWidget, str] = {self.sort_button: texts.SORT_TIP, self.import_button: texts.IMPORT_NOMINEES_TIP}
        for w in self._controls:
            allow(w, why is None, why or "", tips.get(w, ""))

    def _why_locked(self) -> str | None:
        round_ = self.ctx.round()
        why = stage_block(round_.stage if round_ else None, Stage.PREPARATION)
        printed = (
            why is None
            and round_ is not None
            and round_.id is not None
            and self.ctx.workspace.register.summary(round_.id).printed > 0
        )
        if printed:
            return ServiceError(ErrorCode.LOCKED_AFTER_PRINT).message
        return why

    def _selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        row = self._selected_row()
        if row is None:
            return
        n = self.model.nominee(row)
        self.full_name.setText(n.full_name)
        self.birth_year.setValue(n.birth_year or self.birth_year.minimum())
        self.current_position.setText(n.current_position)
        self.proposed_position.setText(n.proposed_position)
        self.unit.setText(n.unit)

    def _form(self, base: Nominee) -> Nominee:
        year = self.birth_year.value()
        return dataclasses.replace(
            base,
            full_name=nfc(self.full_name.text()),
            birth_year=None if year == self.birth_year.minimum() else year,
            current_position=nfc(self.current_position.text()),
            proposed_position=nfc(self.proposed_position.text()),
            unit=nfc(self.unit.text()),
        )

    def _clear_form(self) -> None:
        for edit in (self.full_name, self.current_position, self.proposed_position, self.unit):
            edit.clear()
        self.birth_year.setValue(self.birth_year.minimum())
        self.full_name.setFocus()

    def add(self) -> None:
        rid = self.ctx.round_id
        if rid is None:
            return
        try:
            self.ctx.workspace.setup.add_nominee(self._form(Nominee(None, rid, "")))
        except ServiceError as exc:
            self._status.show_error(exc.message)
            return
        self._clear_form()
        self.refresh()
        self.ctx.changed()
        self._warn_names(rid)

    def _warn_names(self, round_id: RoundId) -> None:
        """Two persons of the same name are allowed, but said at once (the board must tell them apart)."""
        warnings = self.ctx.workspace.setup.name_warnings(round_id)
        if warnings:
            self._status.show_error(texts.NAME_WARNING.format(detail=" ".join(warnings)))

    def import_file(self) -> None:
        round_ = self.ctx.round()
        if round_ is None or round_.id is None:
            return
        imported = import_dialog.import_nominees(self, self.ctx.workspace.setup, round_.id, round_.title)
        if imported is None:
            return
        path, added = imported
        self._status.show_ok(texts.IMPORTED.format(count=len(added), name=path.name))
        self.refresh()
        self.ctx.changed()
        self._warn_names(round_.id)

    def save_selected(self) -> None:
        row = self._selected_row()
        if row is None:
            return
        current = self.model.nominee(row)
        try:
            self.ctx.workspace.setup.update_nominee(self._form(current))
        except ServiceError as exc:
            self._status.show_error(exc.message)
            return
        self.refresh(keep=current.id)
        self.ctx.changed()
        if current.round_id is not None:
            self._warn_names(current.round_id)

    def remove_selected(self) -> None:
        row = self._selected_row()
        if row is None:
            return
        n = self.model.nominee(row)
        assert n.id is not None
        if not dialogs.confirm(self, texts.REMOVE_NOMINEE, texts.REMOVE_NOMINEE_CONFIRM.format(name=n.full_name)):
            return
        try:
            self.ctx.workspace.setup.remove_nominee(n.id)
        except ServiceError as exc:
            self._status.show_error(exc.message)
            return
        self._clear_form()
        self.refresh()
        self.ctx.changed()

    def move_selected(self, step: int) -> None:
        row = self._selected_row()
        nominees = self.model.nominees()
        if row is None or not 0 <= row + step < len(nominees):
            return
        nominees[row], nominees[row + step] = nominees[row + step], nominees[row]
        self._reorder(nominees, keep=nominees[row + step].id)

    def sort_by_name(self) -> None:
        self._reorder(sorted(self.model.nominees(), key=lambda n: name_key(n.full_name)))

    def _reorder(self, nominees: list[Nominee], keep: NomineeId | None = None) -> None:
        rid = self.ctx.round_id
        if rid is None:
            return
        try:
            self.ctx.workspace.setup.reorder_nominees(rid, [n.id for n in nominees if n.id is not None])
        except ServiceError as exc:
            self._status.show_error(exc.message)
            return
        self.refresh(keep=keep)
        self.ctx.changed()
