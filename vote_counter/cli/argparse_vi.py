"""argparse's own words (usage, section titles, its error messages) in Vietnamese when that is the language in use.

argparse looks its messages up through gettext at the moment it prints them (`argparse._`), in its own domain
(English source texts) for which no Vietnamese catalog exists; the handful it uses is mapped here. In English
(`--lang en`) argparse keeps its own words. Anything not in the table stays as argparse wrote it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from vote_counter.i18n import VIETNAMESE, current_language

MESSAGES = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "optional arguments": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "show program's version number and exit": "in số phiên bản rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "the following arguments are required: %s": "thiếu tham số: %s",
    "unrecognized arguments: %s": "không hiểu tham số: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "giá trị %(value)r không hợp lệ (chọn một trong: %(choices)s)",
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không hợp lệ: cần một số nguyên",
    "expected one argument": "cần một giá trị",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn %(option)s chưa rõ: có thể là %(matches)s",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "not allowed with argument %s": "không dùng cùng tham số %s",
}


def _translated(original: Callable[[str], str]) -> Callable[[str], str]:
    def gettext(message: str) -> str:
        if current_language() != VIETNAMESE:
            return original(message)
        return MESSAGES.get(message, original(message))

    gettext.vietnamese = True  # type: ignore[attr-defined]
    return gettext


def install() -> None:
    """Make argparse speak Vietnamese from now on (idempotent)."""
    current = argparse._  # type: ignore[attr-defined]
    if not getattr(current, "vietnamese", False):
        argparse._ = _translated(current)  # type: ignore[attr-defined]
