"""Kiểm tra gói kết quả: an export package on a USB stick or in a folder, checked as `vote-counter verify`
does (exchange/verify.py), the answer in plain words: whole and signed by a known key; whole but signed by a
key nobody here has compared; or changed, with every difference listed. Creates and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.ui import texts
from vote_counter.ui.context import AppContext
from vote_counter.ui.jobs import JobContext
from vote_counter.ui.pages.base import Page
from vote_counter.ui.pages.usb_dialog import removable_drives
from vote_counter.ui.widgets import StatusLine, button_row

OK, UNKNOWN_KEY, BAD, NONE = "ok", "unknown_key", "bad", "none"


def choose_package_folder(parent: QWidget) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, texts.VERIFY_PICK_TITLE)
    return Path(folder) if folder else None


def package_folders(chosen: Path) -> list[Path]:
    """The package itself, or the packages one level down (a USB stick's root holds KetQua_… folders)."""
    from vote_counter.exchange.standalone_verify import MANIFEST

    if (chosen / MANIFEST).is_file():
        return [chosen]
    try:
        return sorted(p for p in chosen.iterdir() if p.is_dir() and (p / MANIFEST).is_file())
    except OSError:
        return []


@dataclass(frozen=True)
class Verdict:
    folder: Path
    outcome: str  # OK, UNKNOWN_KEY, BAD
    fingerprint: str | None = None
    problems: list[str] = field(default_factory=list)
    codes: dict[int, str] = field(default_factory=dict)
    encrypted_unchecked: bool = False


class VerifyPanel(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.choose_folder = choose_package_folder  # hook the tests replace
        self.status = StatusLine()
        box = QGroupBox(texts.VERIFY_GROUP)
        hint = QLabel(texts.VERIFY_HINT)
        hint.setWordWrap(True)
        self.drives = QComboBox()
        self.usb_button = QPushButton(texts.VERIFY_USB)
        self.usb_button.clicked.connect(self.verify_drive)
        self.folder_button = QPushButton(texts.VERIFY_FOLDER)
        self.folder_button.clicked.connect(self.verify_folder)
        self.fingerprint = QLineEdit()
        self.fingerprint.setPlaceholderText(texts.VERIFY_FINGERPRINT_HINT)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(texts.VERIFY_PASSPHRASE_HINT)
        usb_row = QHBoxLayout()
        usb_row.addWidget(self.drives, 1)
        usb_row.addWidget(self.usb_button)
        form = QFormLayout(box)
        form.addRow(hint)
        form.addRow(texts.VERIFY_F_FINGERPRINT, self.fingerprint)
        form.addRow(texts.VERIFY_F_PASSPHRASE, self.passphrase)
        form.addRow(texts.VERIFY_F_USB, usb_row)
        form.addRow(texts.VERIFY_F_FOLDER, button_row(self.folder_button))
        self.answer = QPlainTextEdit()
        self.answer.setReadOnly(True)
        self.answer.setPlaceholderText(texts.VERIFY_EMPTY)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(self.answer, 1)
        layout.addWidget(self.status)
        self.verdicts: list[Verdict] = []

    def refresh(self) -> None:
        current = self.drives.currentData()
        self.drives.clear()
        for label, root in removable_drives():
            self.drives.addItem(label, str(root))
        if self.drives.count() == 0:
            self.drives.addItem(texts.VERIFY_NO_USB, None)
        if current is not None and (i := self.drives.findData(current)) >= 0:
            self.drives.setCurrentIndex(i)
        self.usb_button.setEnabled(self.drives.currentData() is not None)

    def verify_drive(self) -> None:
        root = self.drives.currentData()
        if root is not None:
            self.verify(Path(str(root)))

    def verify_folder(self) -> None:
        folder = self.choose_folder(self)
        if folder is not None:
            self.verify(folder)

    def verify(self, chosen: Path) -> None:
        expected = self.fingerprint.text().strip() or None
        passphrase = self.passphrase.text() or None

        def work(job: JobContext) -> list[Verdict]:
            folders = package_folders(chosen)
            out = []
            for i, folder in enumerate(folders, start=1):
                out.append(_verdict(job, folder, expected, passphrase))
                job.progress(i, len(folders))
            return out

        self.answer.clear()
        self.ctx.jobs.run(
            texts.JOB_VERIFY,
            work,
            lambda verdicts: self._answered(chosen, verdicts),
            failed=self.status.show_error,
            disable=(self.usb_button, self.folder_button),
        )

    def _answered(self, chosen: Path, verdicts: list[Verdict]) -> None:
        self.verdicts = verdicts
        if not verdicts:
            self.answer.setPlainText(texts.VERIFY_NOTHING.format(folder=chosen))
            self.status.show_error(texts.VERIFY_NOTHING.format(folder=chosen))
            return
        blocks = [_words(v) for v in verdicts]
        self.answer.setPlainText("\n\n".join(blocks))
        if all(v.outcome == OK for v in verdicts):
            self.status.show_ok(texts.VERIFY_ALL_OK.format(count=len(verdicts)))
        elif any(v.outcome == BAD for v in verdicts):
            self.status.show_error(texts.VERIFY_SOME_BAD)
        else:
            self.status.show_error(texts.VERIFY_SOME_UNKNOWN)


def _verdict(job: JobContext, folder: Path, expected: str | None, passphrase: str | None) -> Verdict:
    # The package and signing libraries load with the first check, in the job's thread, not with the window.
    from vote_counter.exchange.trust import trusted
    from vote_counter.exchange.verify import verify_package

    report = verify_package(folder, expected_fingerprint=expected, passphrase=passphrase)
    unchecked = report.encrypted and not report.inner_checked
    if not report.ok:
        return Verdict(folder, BAD, report.fingerprint, list(report.problems), report.check_codes)
    outcome = OK
    if not expected and job.workspace is not None:
        try:
            known = trusted(job.workspace, report.fingerprint, expected=None, trust_new_key=False) is None
        except ServiceError as exc:
            if exc.code is not ErrorCode.UNKNOWN_KEY:
                raise
            known = False
        outcome = OK if known else UNKNOWN_KEY
    elif not expected:
        outcome = UNKNOWN_KEY
    return Verdict(folder, outcome, report.fingerprint, [], report.check_codes, unchecked)


def _words(v: Verdict) -> str:
    lines = [texts.VERIFY_FOR.format(folder=v.folder)]
    if v.outcome == OK:
        lines.append(texts.VERIFY_WORDS_OK.format(fingerprint=v.fingerprint))
    elif v.outcome == UNKNOWN_KEY:
        lines.append(texts.VERIFY_WORDS_UNKNOWN.format(fingerprint=v.fingerprint))
    else:
        lines.append(texts.VERIFY_WORDS_BAD)
        lines += [f"  – {p}" for p in v.problems]
    if v.outcome != BAD:
        lines += [texts.VERIFY_CODE.format(round=rid, code=code) for rid, code in sorted(v.codes.items())]
        if v.encrypted_unchecked:
            lines.append(texts.VERIFY_ENCRYPTED_UNCHECKED)
    return "\n".join(lines)
