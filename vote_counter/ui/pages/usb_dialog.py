"""Choosing where the export package goes: the removable drives first (SPEC §8), or any folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStorageInfo
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vote_counter import platform_os
from vote_counter.ui import dialogs, texts

_SYSTEM_ROOTS = {"/", "/boot", "/boot/efi", "/home", "/var", "/usr", "/tmp", "/opt", "/srv"}


def removable_drives() -> list[tuple[str, Path]]:
    """Mounted, writable volumes that look like a USB stick: not the system disk, not a pseudo filesystem."""
    system_drive = platform_os.system_drive()
    out = []
    for volume in QStorageInfo.mountedVolumes():
        if not volume.isValid() or not volume.isReady() or volume.isReadOnly():
            continue
        root = volume.rootPath()
        fs = bytes(volume.fileSystemType().data()).decode("ascii", "replace").lower()
        if root in _SYSTEM_ROOTS or not platform_os.looks_like_usb_volume(root, system_drive):
            continue
        if fs in {"tmpfs", "proc", "sysfs", "devtmpfs", "overlay", "squashfs"}:
            continue
        free_mb = volume.bytesAvailable() // (1024 * 1024)
        name = volume.displayName() or root
        out.append((texts.USB_DRIVE_ITEM.format(name=name, root=root, free=free_mb, fs=fs.upper()), Path(root)))
    return out


class ExportTargetDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(texts.USB_TITLE)
        self.chosen: Path | None = None
        self.list = QListWidget()
        for label, root in removable_drives():
            item = QListWidgetItem(label)
            item.setData(256, str(root))
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        note = QLabel(texts.USB_HINT if self.list.count() else texts.USB_NONE)
        note.setWordWrap(True)
        other = QPushButton(texts.USB_OTHER_FOLDER)
        other.clicked.connect(self._other)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        dialogs.translate_buttons(buttons)
        buttons.accepted.connect(self._accept_drive)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.list, 1)
        layout.addWidget(other)
        layout.addWidget(buttons)
        self.resize(560, 320)

    def _accept_drive(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.chosen = Path(str(item.data(256)))
        self.accept()

    def _other(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, texts.CHOOSE_FOLDER)
        if folder:
            self.chosen = Path(folder)
            self.accept()


def choose_export_target(parent: QWidget | None) -> Path | None:
    """The drive or folder to write the package into, or None if cancelled (tests replace this)."""
    dialog = ExportTargetDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.chosen
