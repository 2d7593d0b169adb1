"""Where the window keeps its own choices (QSettings "KiemPhieu"): never the counts, which live in the database."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

SETTINGS_ORG = "KiemPhieu"
SETTINGS_APP = "KiemPhieu"
KEY_MEETING = "last/meeting"
KEY_ROUND = "last/round"
KEY_RECENT = "recent/meetings"
KEY_IDLE_MINUTES = "security/idle_minutes"
KEY_LANGUAGE = "ui/language"
DEFAULT_IDLE_MINUTES = 10
RECENT_LIMIT = 8


def default_settings() -> QSettings:
    return QSettings(SETTINGS_ORG, SETTINGS_APP)


def _as_list(value: object) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


def recent_meetings(settings: QSettings, db_path: Path) -> list[int]:
    """The meetings last opened from this database file, most recent first."""
    prefix = f"{db_path}|"
    out: list[int] = []
    for entry in _as_list(settings.value(KEY_RECENT)):
        if entry.startswith(prefix) and entry[len(prefix) :].isdigit():
            out.append(int(entry[len(prefix) :]))
    return out


def remember_meeting(settings: QSettings, db_path: Path, meeting_id: int) -> None:
    entry = f"{db_path}|{meeting_id}"
    entries = [e for e in _as_list(settings.value(KEY_RECENT)) if e != entry]
    settings.setValue(KEY_RECENT, [entry, *entries][: RECENT_LIMIT * 4])
