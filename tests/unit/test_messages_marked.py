"""Every Vietnamese sentence the services, exchange and command line can say is marked for the catalog (`_()` or
`N_()`), so that `scripts/catalogs.py check` sees it and the English setting translates it. A new unmarked
Vietnamese literal fails here: wrap it in `_("…")` (or `N_("…")` in a table, `_()` where it is read), then run
`python scripts/catalogs.py update` and translate the new entries in en.po."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "vote_counter" / d for d in ("services", "exchange", "cli")] + [ROOT / "vote_counter" / "app.py"]
VIETNAMESE = re.compile(r"[\u00c0-\u1ef9]")

# Whole files that are not messages: the demo meeting's data, the legacy-encoding tables, the verifier shipped as a
# standalone script inside every package (no catalog there), argparse's own words in Vietnamese.
NOT_MESSAGES = {
    "services/demo.py",
    "services/legacy_vn.py",
    "exchange/standalone_verify.py",
    "cli/argparse_vi.py",
}
# Single literals that are data, documents or patterns, not messages.
ALLOWED = {
    # the audit log's actor when nobody signed in, the restore's actor: data, as the minutes record them
    ("services/accounts.py", "Ban kiểm phiếu"),
    ("services/restore.py", "Ban kiểm phiếu"),
    # column names a nominee file may have (matched, not shown), and a pattern of broken UTF-8
    *(
        ("services/importers.py", header)
        for header in (
            "họ và tên",
            "họ tên",
            "tên",
            "năm sinh",
            "chức vụ",
            "chức vụ hiện tại",
            "chức vụ dự kiến",
            "chức vụ đề nghị",
            "đơn vị",
            "số thứ tự",
        )
    ),
    ("services/importers.py", "[ÃÂÄÅÆá][\x80-¿ŒœŠšŸŽžƒˆ˜–-›€™]"),
    # the test deck's write-in names and the "(thử nghiệm)" pattern; the test report's PDF (a document)
    *(("services/test_mode.py", name) for name in ("Lê Văn Tám", "Nguyễn Thị Minh Khai", "Võ Thị Sáu")),
    ("services/test_mode.py", r"\s*[(\[]\s*thử\s+nghiệm\s*[)\]]\s*"),
    *(
        ("services/test_mode.py", word)
        for word in ("Dự kiến", "Thực tế", "khớp", "KHÁC", "KẾT QUẢ KIỂM TRA BẰNG BỘ PHIẾU THỬ")
    ),
    # a backup's reason in its file name; DOC_TRUOC.txt, a document in the package (always Vietnamese)
    ("exchange/commands.py", "thủ công"),
    ("exchange/export.py", "MẬT"),
    ("exchange/export.py", "%H:%M ngày %d/%m/%Y"),
    ("exchange/texts.py", "MẬT"),
    ("exchange/texts.py", "   - Lượt "),
    ("exchange/texts.py", " — mã kiểm tra kết quả "),
    ("exchange/texts.py", "   (các mã nằm trong manifest.json bên trong KetQua.zip)"),
    # the product's name; the self-test's probes (a msgid it looks up, a word it reads back from the minutes)
    ("cli/__init__.py", "Kiểm Phiếu "),
    ("app.py", "Kiểm Phiếu "),
    ("cli/self_test.py", "Lỗi: {message}"),
    ("cli/self_test.py", "BIÊN BẢN"),
}
# DOC_TRUOC.txt's templates (exchange/texts.py): a document, like the minutes.
DOCUMENT_CONSTANTS = {"_README", "_PLAIN_CONTENTS", "_ENCRYPTED_CONTENTS"}


def _skipped(tree: ast.AST) -> set[int]:
    """Docstrings, everything inside _()/N_(), and the package's document templates."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
        marked = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")
        document = isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in DOCUMENT_CONSTANTS for t in node.targets
        )
        if marked or document:
            out |= {id(n) for n in ast.walk(node)}
    return out


def unmarked() -> list[tuple[str, int, str]]:
    found = []
    for source in SOURCES:
        for path in sorted(source.rglob("*.py")) if source.is_dir() else [source]:
            name = path.relative_to(ROOT / "vote_counter").as_posix()
            if name in NOT_MESSAGES:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            skip = _skipped(tree)
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and id(node) not in skip
                    and VIETNAMESE.search(node.value)
                    and (name, node.value) not in ALLOWED
                ):
                    found.append((name, node.lineno, node.value))
    return found


def test_every_vietnamese_message_is_marked_for_the_catalog() -> None:
    assert unmarked() == []


def test_the_check_finds_an_unmarked_sentence() -> None:
    tree = ast.parse('"""Tài liệu."""\nfrom vote_counter.i18n import _\nA = _("Đã lưu.")\nB = "Chưa lưu."\n')
    skip = _skipped(tree)
    loose = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip
    ]
    assert [t for t in loose if VIETNAMESE.search(t)] == ["Chưa lưu."]
