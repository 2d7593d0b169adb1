"""The window's text table (ui/texts.py) as catalog entries: one context per name, no Qt.

Each string in texts.py is a msgid whose msgctxt is its place in the table: `PAGE_SETUP`, `STAGE[counting]`,
`BOARD_HEADERS[1]`, `QT_WORDS[QLineEdit][&Undo]`. The context lets one Vietnamese word have two English ones
(“Đồng ý”: OK on a button, Agree on a ballot) and keeps every entry put when another name is added.
ui/language.py translates through these contexts; scripts/catalogs.py extracts them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any


def text_names(module: ModuleType) -> list[str]:
    """The translatable names: every upper-case module-level name (enums and imports are CamelCase)."""
    return sorted(name for name in vars(module) if name.isupper() and not name.startswith("_"))


def _key(key: object) -> str:
    return str(key.value) if isinstance(key, enum.Enum) else str(key)


def leaves(value: object, context: str) -> Iterator[tuple[str, str]]:
    """(context, text) for every string inside a table value (strings, tuples, dicts, nested dicts)."""
    if isinstance(value, str):
        yield context, value
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            yield from leaves(item, f"{context}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{context}[{_key(key)}]")


def table_leaves(module: ModuleType) -> Iterator[tuple[str, str]]:
    for name in text_names(module):
        yield from leaves(getattr(module, name), name)


def translated(value: Any, context: str, translate: Callable[[str, str], str]) -> Any:
    """The same shape as `value` (same keys, same types) with every string put through translate(context, text)."""
    if isinstance(value, str):
        return translate(context, value)
    if isinstance(value, tuple | list):
        return type(value)(translated(item, f"{context}[{i}]", translate) for i, item in enumerate(value))
    if isinstance(value, dict):
        return {key: translated(item, f"{context}[{_key(key)}]", translate) for key, item in value.items()}
    return value
