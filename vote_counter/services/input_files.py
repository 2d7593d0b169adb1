"""Reading an input file whole and checking it against its schema before anything is written (issue 12).

Shared by the ballot file (JSON lines), the tally sheet, the meeting definition and the entries package:
the size is checked from the file system before a byte is read (a 200 MB file is refused at once); the
bytes must be UTF-8; JSON is parsed with duplicate keys, NaN and Infinity refused and a bounded depth;
every object has a fixed set of keys; every text passes domain.text_rules. A problem is one
ServiceError(INPUT_FILE) naming the file, the line and the field, never a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from vote_counter.domain.text_rules import TextError, TextProblem, clean_text
from vote_counter.i18n import _
from vote_counter.services.errors import ErrorCode, ServiceError

MAX_DEPTH = 6  # the deepest valid input (a definition: root → rounds → round → nominees → nominee → value)
_ASCII_DIGITS = re.compile(r"[0-9]{1,6}")


class InputFileError(ServiceError):
    """One problem in an input file: where (line, field) and what."""

    def __init__(self, name: str, where: str, detail: str) -> None:
        super().__init__(ErrorCode.INPUT_FILE, name=name, where=where, detail=detail)
        self.where = where
        self.detail = detail


class Reader:
    """Checks for one file; `fail` raises with the file's name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, where: str, detail: str) -> InputFileError:
        return InputFileError(self.name, where, detail)

    # ------------------------------------------------------------ bytes and syntax
    def read(self, path: Path, limit: int) -> str:
        """The file's text, refused by its size before it is read into memory."""
        try:
            size = _file_size(path)
            if size > limit:
                raise self.fail(
                    _("cả tệp"),
                    _("tệp lớn {number} byte, quá giới hạn {limit} byte.").format(
                        number=_number(size), limit=_number(limit)
                    ),
                )
            with path.open("rb") as fh:
                raw = fh.read(limit + 1)  # the file may grow between stat and read
        except OSError as exc:
            raise self.fail(
                _("cả tệp"), _("không đọc được tệp ({reason}).").format(reason=exc.strerror or exc)
            ) from exc
        if len(raw) > limit:
            raise self.fail(_("cả tệp"), _("tệp lớn quá giới hạn {number} byte.").format(number=_number(limit)))
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise self.fail(
                _("dòng {line}").format(line=line), _("tệp phải được lưu bằng mã UTF-8 (có byte không hợp lệ).")
            ) from exc

    def json(self, text: str, where: str) -> Any:
        """JSON without duplicate keys, NaN or Infinity, and no deeper than MAX_DEPTH."""

        def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for key, value in items:
                if key in out:
                    raise self.fail(where, _("khóa “{shown}” xuất hiện hai lần.").format(shown=_shown(key)))
                out[key] = value
            return out

        def constant(name: str) -> Any:
            raise self.fail(where, _("giá trị {name} không phải số hợp lệ.").format(name=name))

        try:
            value = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
        except json.JSONDecodeError as exc:
            raise self.fail(
                where, _("không phải JSON hợp lệ ({reason}, cột {colno}).").format(reason=exc.msg, colno=exc.colno)
            ) from exc
        except RecursionError as exc:
            raise self.fail(
                where, _("lồng nhau quá sâu (tối đa {max_depth} cấp).").format(max_depth=MAX_DEPTH)
            ) from exc
        self.depth(value, where)
        return value

    def depth(self, value: Any, where: str) -> None:
        if _depth(value) > MAX_DEPTH:
            raise self.fail(where, _("lồng nhau quá sâu (tối đa {max_depth} cấp).").format(max_depth=MAX_DEPTH))

    # ------------------------------------------------------------ shapes
    def table(self, value: Any, where: str, allowed: Iterable[str], required: Iterable[str] = ()) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(
                where, _("phải là một bảng (object), không phải {type_name}.").format(type_name=_type_name(value))
            )
        known = set(allowed)
        unknown = [k for k in value if k not in known]
        if unknown:
            listed = ", ".join(sorted(known))
            raise self.fail(
                where,
                _("khóa “{shown}” không có trong định dạng (chỉ nhận: {listed}).").format(
                    shown=_shown(unknown[0]), listed=listed
                ),
            )
        for key in required:
            if key not in value:
                raise self.fail(where, _("thiếu “{key}”.").format(key=key))
        return value

    def mapping(self, value: Any, where: str, *, limit: int) -> dict[str, Any]:
        """A table whose keys are data (row numbers, names), checked by the caller."""
        if not isinstance(value, dict):
            raise self.fail(
                where, _("phải là một bảng (object), không phải {type_name}.").format(type_name=_type_name(value))
            )
        if len(value) > limit:
            raise self.fail(where, _("có {count} mục, nhiều nhất {limit}.").format(count=len(value), limit=limit))
        return value

    def listed(self, value: Any, where: str, *, limit: int) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(
                where, _("phải là một danh sách, không phải {type_name}.").format(type_name=_type_name(value))
            )
        if len(value) > limit:
            raise self.fail(where, _("có {count} mục, nhiều nhất {limit}.").format(count=len(value), limit=limit))
        return value

    def integer(self, value: Any, where: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, _("phải là số nguyên, không phải {type_name}.").format(type_name=_type_name(value)))
        if not low <= value <= high:
            raise self.fail(
                where, _("phải từ {low} đến {high}, không phải {value}.").format(low=low, high=high, value=value)
            )
        return value

    def boolean(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(
                where, _("phải là true hoặc false, không phải {type_name}.").format(type_name=_type_name(value))
            )
        return value

    def text(self, value: Any, where: str, *, limit: int, required: bool = False) -> str:
        if not isinstance(value, str):
            raise self.fail(where, _("phải là chuỗi chữ, không phải {type_name}.").format(type_name=_type_name(value)))
        try:
            return clean_text(value, limit=limit, required=required)
        except TextError as exc:
            detail = _("chưa có nội dung.") if exc.problem is TextProblem.EMPTY else exc.words(_) + "."
            raise self.fail(where, detail) from exc

    def row_number(self, key: str, where: str, count: int) -> int:
        """A row number (STT) written as ASCII digits: "²" or "١" is not a row number."""
        if not _ASCII_DIGITS.fullmatch(key) or not 1 <= int(key) <= count:
            raise self.fail(
                where, _("STT “{shown}” không có trong danh sách (1–{count}).").format(shown=_shown(key), count=count)
            )
        return int(key)

    def choice(self, value: Any, where: str, allowed: Mapping[str, Any]) -> Any:
        if not isinstance(value, str) or value not in allowed:
            listed = ", ".join(allowed)
            raise self.fail(
                where,
                _("giá trị “{shown}” không hợp lệ (chọn một trong: {listed}).").format(
                    shown=_shown(value), listed=listed
                ),
            )
        return allowed[value]


def _number(n: int) -> str:
    """1.048.576: Vietnamese groups thousands with dots."""
    return f"{n:,}".replace(",", ".")


def _file_size(path: Path) -> int:
    """The size the file system reports, without reading the file (a small OS call, tested)."""
    return path.stat().st_size


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return _("số {value}").format(value=value)
    if isinstance(value, str):
        return _("chuỗi “{text}”").format(text=_shown(value))
    if isinstance(value, list):
        return _("danh sách")
    if isinstance(value, dict):
        return _("bảng")
    return type(value).__name__


def _shown(value: Any, limit: int = 30) -> str:
    """A value quoted in a message: printable only (no escape codes reach the terminal), short."""
    text = str(value)
    safe = "".join(ch if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF else f"\\u{ord(ch):04x}" for ch in text)
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"
