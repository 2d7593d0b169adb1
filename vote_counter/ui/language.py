"""The window's language: Vietnamese (ui/texts.py, the source and the default) or English (the gettext catalog).

At start-up, before any window module is imported, the names of the texts module are rebound to their translation
(vote_counter.i18n, through the context of each name: ui/text_table.py); every widget reads `texts.NAME` as it is
built, so switching needs a restart (the settings dialog says so). The services' messages follow the same setting.
Documents (ballots, minutes) are always Vietnamese: they come from documents/labels.py, not from here.
"""

from __future__ import annotations

from types import ModuleType

from PySide6.QtCore import QSettings

from vote_counter import i18n
from vote_counter.i18n import ENGLISH, LANGUAGES, VIETNAMESE
from vote_counter.ui import text_table, texts
from vote_counter.ui.settings import KEY_LANGUAGE, default_settings

__all__ = ["ENGLISH", "LANGUAGES", "VIETNAMESE", "current_language", "text_names", "use_language"]


def text_names(module: ModuleType = texts) -> list[str]:
    """The translatable names: every upper-case module-level name (enums and imports are CamelCase)."""
    return text_table.text_names(module)


# The Vietnamese source, kept before any rebinding so that switching back is possible (tests do).
_SOURCE = {name: getattr(texts, name) for name in text_names()}


def use_language(code: str) -> str:
    """Rebind texts.* to the language `code` (unknown codes give Vietnamese) for the window and the services;
    returns the language in use."""
    code = i18n.use_language(code)
    for name, value in _SOURCE.items():
        setattr(texts, name, value if code == VIETNAMESE else text_table.translated(value, name, i18n.pgettext))
    return code


def current_language() -> str:
    return i18n.current_language()


def saved_language(settings: QSettings | None = None) -> str:
    value = (settings if settings is not None else default_settings()).value(KEY_LANGUAGE)
    return str(value) if value in LANGUAGES else VIETNAMESE


def apply_saved_language(settings: QSettings | None = None) -> str:
    return use_language(saved_language(settings))
