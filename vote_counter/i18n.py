"""The user's language for every message outside the paper documents: gettext catalogs, Vietnamese the source.

The Vietnamese text is the msgid (Vietnamese is the source language, as gettext expects), English the translation
in resources/locale/en/LC_MESSAGES/vote_counter.po, compiled to the .mo beside it (scripts/catalogs.py; the .mo is
committed and `catalogs.py check` proves it current). Services, exchange and the command line mark their texts
with `_()` (said when used) or `N_()` (tables, translated where they are read); the window's table ui/texts.py is
translated name by name through `pgettext(NAME, text)` by ui/language.py.

No Qt here (services and cli import it). The language is one setting per process, chosen at start-up: the window's
saved setting, or `--lang` / KP_LANG on the command line. Documents (ballots, minutes) stay Vietnamese always.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from vote_counter.paths import resource

DOMAIN = "vote_counter"
VIETNAMESE, ENGLISH = "vi", "en"
LANGUAGES = (VIETNAMESE, ENGLISH)
ENV_LANG = "KP_LANG"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_current = VIETNAMESE


def locale_dir() -> Path:
    """resources/locale, in the source tree or in the PyInstaller bundle."""
    return resource("locale")


def use_language(code: str) -> str:
    """Translate from now on into `code` (unknown codes give Vietnamese, the source); returns the language in use.

    A missing English catalog is an error of the build, not of the user: it raises (FileNotFoundError)."""
    global _translations, _current
    code = code if code in LANGUAGES else VIETNAMESE
    if code == VIETNAMESE:
        _translations = gettext.NullTranslations()  # the msgids are the Vietnamese texts, byte for byte
    else:
        _translations = gettext.translation(DOMAIN, localedir=str(locale_dir()), languages=[code])
    _current = code
    return code


def current_language() -> str:
    return _current


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    """KP_LANG when it names a language, otherwise Vietnamese."""
    value = (os.environ if environ is None else environ).get(ENV_LANG, "").strip().lower()
    return value if value in LANGUAGES else VIETNAMESE


def _(message: str) -> str:
    """The message in the language in use (the Vietnamese source when untranslated)."""
    return _translations.gettext(message)


def N_(message: str) -> str:
    """Marks a text for the catalog; it is translated where it is read (the gettext convention)."""
    return message


def pgettext(context: str, message: str) -> str:
    """The message in its context: the window's texts use their name, so that one Vietnamese word may have two
    English ones ("Đồng ý": OK on a button, Agree on a ballot)."""
    return _translations.pgettext(context, message)


class Translated(Mapping[str, str]):
    """A table of N_()-marked texts read in the language in use at the moment of reading (STAGE_LABELS)."""

    def __init__(self, source: Mapping[str, str]) -> None:
        self._source = dict(source)

    def __getitem__(self, key: str) -> str:
        return _(self._source[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._source)

    def __len__(self) -> int:
        return len(self._source)
