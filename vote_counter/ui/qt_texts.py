"""Qt's own words in Vietnamese: the context menus of text fields (Undo, Copy, Paste, …) and of spin boxes.

PySide6 ships no Vietnamese Qt catalogue, so a small translator answers for the few strings a board member sees
(issue 11: keyboard parity). File dialogs are the platform's native ones, in the system's language.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

_EDIT = {
    "&Undo": "&Hoàn tác",
    "&Redo": "&Làm lại",
    "Cu&t": "&Cắt",
    "&Copy": "&Sao chép",
    "&Paste": "&Dán",
    "Delete": "Xóa",
    "Select All": "Chọn tất cả",
    "Copy &Link Location": "Sao chép địa chỉ liên &kết",
}
VIETNAMESE_QT: dict[str, dict[str, str]] = {
    "QLineEdit": _EDIT,
    "QWidgetTextControl": _EDIT,
    "QAbstractSpinBox": {"&Select All": "&Chọn tất cả", "&Step up": "&Tăng", "Step &down": "&Giảm"},
}


class QtVietnamese(QTranslator):
    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        # None, not "": an empty string would be taken as the translation ("Ctrl+Z" shown as "Z").
        return VIETNAMESE_QT.get(context, {}).get(source)  # type: ignore[return-value]


_installed: list[QtVietnamese] = []


def install(app: QCoreApplication) -> QtVietnamese:
    """Once per process (the translator must outlive every widget)."""
    if not _installed:
        translator = QtVietnamese(app)
        app.installTranslator(translator)
        _installed.append(translator)
    return _installed[0]
