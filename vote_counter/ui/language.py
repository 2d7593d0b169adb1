"""The window's language: Vietnamese (texts.py, the source and the default) or English (texts_en.py).

At start-up, before any window module is imported, the names of the texts module are rebound to the chosen table;
every widget reads `texts.NAME` as it is built, so switching needs a restart (the settings dialog says so).
Documents (ballots, minutes) are always Vietnamese: they come from documents/labels.py, not from here.
"""

from __future__ import annotations

from types import ModuleType

from PySide6.QtCore import QSettings

from vote_counter.ui import texts, texts_en
from vote_counter.ui.settings import KEY_LANGUAGE, default_settings

VIETNAMESE, ENGLISH = "vi", "en"
LANGUAGES = (VIETNAMESE, ENGLISH)


def text_names(module: ModuleType = texts) -> list[str]:
    """The translatable names: every upper-case module-level name (enums and imports are CamelCase)."""
    return sorted(name for name in vars(module) if name.isupper() and not name.startswith("_"))


# The Vietnamese source, kept before any rebinding so that switching back is possible (tests do).
_SOURCE = {name: getattr(texts, name) for name in text_names()}
_current = VIETNAMESE


def use_language(code: str) -> str:
    """Rebind texts.* to the table of `code` (unknown codes give Vietnamese); returns the language in use."""
    global _current
    code = code if code in LANGUAGES else VIETNAMESE
    for name, value in _SOURCE.items():
        setattr(texts, name, getattr(texts_en, name) if code == ENGLISH else value)
    _current = code
    return code


def current_language() -> str:
    return _current


def saved_language(settings: QSettings | None = None) -> str:
    value = (settings if settings is not None else default_settings()).value(KEY_LANGUAGE)
    return str(value) if value in LANGUAGES else VIETNAMESE


def apply_saved_language(settings: QSettings | None = None) -> str:
    return use_language(saved_language(settings))
