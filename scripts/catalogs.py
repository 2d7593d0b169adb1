"""The translation catalogs (gettext through Babel): Vietnamese is the source language, English the translation.

    python scripts/catalogs.py extract                  resources/locale/vote_counter.pot from the Vietnamese sources
    python scripts/catalogs.py update                   extract, merge into en.po (new entries empty, changed ones
                                                        fuzzy), compile en.mo
    python scripts/catalogs.py import-legacy FILE [--overwrite]
                                                        update, then fill en.po from a texts_en.py-style table
                                                        (NAME = English, same names as ui/texts.py); entries
                                                        already translated differently are kept and listed
                                                        unless --overwrite
    python scripts/catalogs.py compile                  en.po -> en.mo
    python scripts/catalogs.py check                    the catalog is complete and the .pot and .mo are current
                                                        (CI: scripts/test.sh, and tests/unit/test_catalogs.py)

The sources: every string of the window's table vote_counter/ui/texts.py (msgctxt = its name, ui/text_table.py),
and every `_("…")` / `N_("…")` in vote_counter/ (services, exchange, cli). The .mo is committed, so the app runs
from the source tree and the PyInstaller bundle ships it with resources/ (build.spec); `check` proves it current.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import re
import string
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vote_counter.i18n import DOMAIN  # noqa: E402 (the source tree first, run as a script)
from vote_counter.ui.text_table import leaves, table_leaves  # noqa: E402

TEXTS = "vote_counter/ui/texts.py"
# Words of the paper documents that the screen and the command line also show (a round's kind, a problem):
# extracted without context, translated where shown (`_(KIND[kind])`); the paper itself stays Vietnamese.
SHARED_TABLES = {
    "vote_counter/documents/labels.py": (
        *("INVALID_REASON", "KIND", "MISSING_DETAILS", "PROBLEM"),
        # the results table and the conclusions that `results` prints (documents/minutes_data.py, tr=_)
        *("BASE_HEADING", "BAND", "APPROVAL", "SELECTION", "NO_BAND_LINE", "SELECTED_FOR", "SEATS_LINE"),
        *("NO_SELECTION_LINE", "COL_NO", "COL_NAME", "COL_VOTES", "COL_PERCENT", "COL_AGREE", "COL_DISAGREE"),
        *("COL_NOT_COUNTED", "WRITE_INS_HEADING", "WRITE_IN_MARK", "CONFIDENCE_LINE", "APPROVAL_LINE"),
        "SELECTION_LINE",
        # the test-deck comparison that `test-report` prints (services/test_mode.report_lines)
        *("COLLECTED", "VALID", "INVALID", "TEST_WATERMARK"),
    ),
    # what is wrong with a typed text (TextError.words(_), said by the services)
    "vote_counter/domain/text_rules.py": ("PROBLEM_WORDS",),
}
KEYWORDS = {"_": None, "N_": None}
HEADER = """\
# Kiểm Phiếu (vote_counter): Vietnamese is the source (msgid), English the translation (msgstr).
# scripts/catalogs.py writes this file (extract, update, import-legacy). Translators edit msgstr
# lines only, then run `python scripts/catalogs.py compile` and `python scripts/catalogs.py check`."""
# Fixed dates: the files change only when their messages do (no churn, `check` compares bytes).
DATE = datetime(2026, 11, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Paths:
    root: Path = ROOT

    @property
    def pot(self) -> Path:
        return self.root / "resources" / "locale" / f"{DOMAIN}.pot"

    @property
    def po(self) -> Path:
        return self.root / "resources" / "locale" / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"

    @property
    def mo(self) -> Path:
        return self.po.with_suffix(".mo")


def _load(path: Path, name: str) -> ModuleType:
    """A table module read afresh from its file (never the imported one, which the window may have rebound)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _new_catalog(locale: str | None) -> Catalog:
    return Catalog(
        locale=locale,
        domain=DOMAIN,
        project="Kiểm Phiếu",
        version="1",
        creation_date=DATE,
        revision_date=DATE,
        language_team="Kiểm Phiếu",
        last_translator="Kiểm Phiếu",
        fuzzy=False,
        header_comment=HEADER,
        msgid_bugs_address="",
        copyright_holder="",
    )


def extract(paths: Paths | None = None) -> Catalog:
    """The template: the window's table (one context per name) and the marked texts of the code."""
    paths = paths or Paths()
    catalog = _new_catalog(None)
    table = _load(paths.root / TEXTS, "_texts_source")
    for context, text in table_leaves(table):
        catalog.add(text, context=context, locations=[(TEXTS, 0)])
    for path, names in SHARED_TABLES.items():
        module = _load(paths.root / path, "_shared_" + Path(path).stem)
        for name in names:
            for _context, text in leaves(getattr(module, name), name):
                catalog.add(text, locations=[(path, 0)])
    # The sealed tables' names, said when a row was changed behind the app's back (services/errors.sealed_rows).
    import vote_counter.storage.scan_schema  # noqa: F401 (registers its sealed table)
    from vote_counter.storage.seals import SEALED

    for table in SEALED.values():
        catalog.add(table.label, locations=[("vote_counter/storage/seals.py", 0)])
    for filename, lineno, message, comments, context in extract_from_dir(
        paths.root / "vote_counter", keywords=KEYWORDS, comment_tags=("i18n:",), strip_comment_tags=True
    ):
        if not isinstance(message, str) or not message:
            raise SystemExit(f"vote_counter/{filename}:{lineno}: only single, non-empty texts are marked")
        catalog.add(message, context=context, locations=[(f"vote_counter/{filename}", lineno)], auto_comments=comments)
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    """The .po as written: sorted, no line numbers (moving code does not touch it), no obsolete entries (a changed
    text's old translation is offered once, as the fuzzy suggestion, by `update`)."""
    out = io.BytesIO()
    write_po(out, catalog, sort_output=True, include_lineno=False, width=100, ignore_obsolete=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale="en", domain=DOMAIN)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def update(paths: Paths | None = None) -> Catalog:
    paths = paths or Paths()
    template = extract(paths)
    _write(paths.pot, po_bytes(template))
    catalog = read(paths.po) if paths.po.exists() else _new_catalog("en")
    catalog.update(template, update_creation_date=True)
    catalog.revision_date = DATE
    _write(paths.po, po_bytes(catalog))
    _write(paths.mo, mo_bytes(catalog))
    return catalog


def compile_mo(paths: Paths | None = None) -> None:
    paths = paths or Paths()
    _write(paths.mo, mo_bytes(read(paths.po)))


@dataclass
class Imported:
    added: list[str]
    changed: list[str]
    kept: list[tuple[str, str, str]]  # context, catalog's English, the table's English
    unknown: list[str]


def import_legacy(table_file: Path, paths: Paths | None = None, *, overwrite: bool = False) -> Imported:
    """Put a texts_en.py-style table (NAME = English, ui/texts.py's names) into en.po, after an update."""
    paths = paths or Paths()
    catalog = update(paths)
    legacy = _load(table_file, "_texts_legacy")
    result = Imported([], [], [], [])
    source = dict(table_leaves(_load(paths.root / TEXTS, "_texts_source")))
    for context, english in table_leaves(legacy):
        english = unicodedata.normalize("NFC", english)
        message = catalog.get(source[context], context=context) if context in source else None
        if message is None:
            result.unknown.append(context)
        elif not message.string or message.fuzzy:
            message.string, message.flags = english, message.flags - {"fuzzy"}
            result.added.append(context)
        elif message.string != english:
            if overwrite:
                message.string = english
                result.changed.append(context)
            else:
                result.kept.append((context, str(message.string), english))
    _write(paths.po, po_bytes(catalog))
    _write(paths.mo, mo_bytes(catalog))
    return result


_BRACES = re.compile(r"\{[^{}]*\}")


def placeholders(text: str) -> list[str]:
    """The {fields} of a str.format text, sorted (a text that is not one: its {…} as written)."""
    try:
        return sorted(field for _, field, _, _ in string.Formatter().parse(text) if field is not None)
    except ValueError:
        return sorted(_BRACES.findall(text))


def _label(message: Message) -> str:
    where = f"[{message.context}] " if message.context else ""
    return f"{where}{message.id!r}"


def problems(paths: Paths | None = None) -> Iterator[str]:
    """Everything that makes the catalog incomplete or stale; nothing means complete and current."""
    paths = paths or Paths()
    template = extract(paths)
    if not paths.pot.exists() or paths.pot.read_bytes() != po_bytes(template):
        yield f"{paths.pot.name} is not current: run `python scripts/catalogs.py update`"
    if not paths.po.exists():
        yield f"{paths.po} is missing: run `python scripts/catalogs.py update`"
        return
    catalog = read(paths.po)
    for wanted in template:
        if not wanted.id:
            continue  # the header
        message = catalog.get(wanted.id, context=wanted.context)
        if not unicodedata.is_normalized("NFC", str(wanted.id)):
            yield f"source text not NFC (write it composed): {_label(wanted)}"
        if message is None:
            yield f"missing from en.po: {_label(wanted)}"
        elif not message.string:
            yield f"not translated: {_label(wanted)}"
        elif message.fuzzy:
            yield f"fuzzy (check and clear the flag): {_label(wanted)}"
        elif placeholders(str(message.string)) != placeholders(str(wanted.id)):
            yield f"placeholders differ: {_label(wanted)} -> {message.string!r}"
        elif unicodedata.normalize("NFC", str(message.string)) != message.string:
            yield f"not NFC: {_label(wanted)}"
    for message in catalog:
        if message.id and template.get(message.id, context=message.context) is None:
            yield f"stale entry (its text is gone from the sources; run update): {_label(message)}"
    if not paths.mo.exists() or paths.mo.read_bytes() != mo_bytes(catalog):
        yield f"{paths.mo.name} is not current: run `python scripts/catalogs.py compile`"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="catalogs.py", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("extract", help="write the .pot from the Vietnamese sources")
    sub.add_parser("update", help="extract, merge into en.po, compile en.mo")
    legacy = sub.add_parser("import-legacy", help="fill en.po from a texts_en.py-style table")
    legacy.add_argument("file", type=Path)
    legacy.add_argument("--overwrite", action="store_true", help="replace translations that differ")
    sub.add_parser("compile", help="en.po -> en.mo")
    sub.add_parser("check", help="complete catalog, current .pot and .mo (exit 1 otherwise)")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)  # tests: a copy of the tree
    args = parser.parse_args(argv)
    paths = Paths(args.root)
    if args.command == "extract":
        _write(paths.pot, po_bytes(extract(paths)))
    elif args.command == "update":
        catalog = update(paths)
        todo = [m for m in catalog if m.id and (not m.string or m.fuzzy)]
        print(f"{paths.po}: {len(todo)} entries to translate or check")
    elif args.command == "import-legacy":
        done = import_legacy(args.file, paths, overwrite=args.overwrite)
        print(f"filled {len(done.added)}, replaced {len(done.changed)}, kept {len(done.kept)} that differ")
        for context, ours, theirs in done.kept:
            print(f"  kept [{context}] {ours!r} (the table says {theirs!r}; --overwrite to take it)")
        for context in done.unknown:
            print(f"  not in ui/texts.py, skipped: {context}")
    elif args.command == "compile":
        compile_mo(paths)
    else:
        found = list(problems(paths))
        for line in found:
            print(line)
        print(f"catalog check: {len(found)} problem(s)" if found else "catalog check: complete and current")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
