"""`vote-counter --self-test`: the whole chain once, on a temporary database, without a window.

Run from the package a board installs (CI runs it on the frozen bundle from dist/): it proves the bundle holds
every module, font and template the app needs. Every step prints one Vietnamese line; the first failure stops the
run with a non-zero exit and says which step failed and why.
"""

from __future__ import annotations

import gettext
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from vote_counter import __version__, i18n
from vote_counter.domain.model import MeetingId, RoundId
from vote_counter.i18n import N_, _
from vote_counter.paths import resource, resources_root
from vote_counter.services.workspace import Workspace

DEMO_VOTERS = 30
COPIES = ("01/03", "02/03", "03/03")


class SelfTestFailure(Exception):
    """A step found something wrong: the message is the Vietnamese sentence shown to the user."""


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise SelfTestFailure(message)


def pdf_pages_text(path: Path) -> list[str]:
    """The text of every page of a PDF (pypdf reads the ToUnicode maps of the embedded, subset fonts)."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(path).pages]


Step = Callable[[Path], str | None]  # None: passed; a sentence: what is wrong (or raises SelfTestFailure)


def run_self_test(extra_steps: list[tuple[str, Step]] | None = None) -> int:
    """0 when every step passed; 1 with a Vietnamese message on the first failure."""
    started = time.perf_counter()
    _say(
        _("Kiểm Phiếu {version} — tự kiểm tra ({build})").format(
            version=__version__, build=_("bản đóng gói") if getattr(sys, "frozen", False) else _("mã nguồn")
        )
    )
    with tempfile.TemporaryDirectory(prefix="kiemphieu-selftest-") as tmp:
        root = Path(tmp)
        state: dict[str, object] = {}
        steps: list[tuple[str, Step]] = [
            (N_("Tài nguyên đóng gói (phông chữ, biểu tượng, bản dịch tiếng Anh)"), _resources),
            (N_("Mở cơ sở dữ liệu tạm và chạy một hội nghị mẫu"), lambda r: _demo(r, state)),
            (N_("Đọc lại phiếu in (PDF)"), lambda r: _ballots(r, state)),
            (N_("Lập biên bản (PDF 3 bản + Word) và đọc lại"), lambda r: _minutes(r, state)),
            (N_("Kiểm tra chuỗi nhật ký"), lambda r: _audit(state)),
            (N_("Xuất gói kết quả và kiểm tra chữ ký"), lambda r: _export(r, state)),
            *(extra_steps or []),
        ]
        try:
            for number, (title, step) in enumerate(steps, start=1):
                problem = step(root)
                if problem is not None:
                    raise SelfTestFailure(problem)
                _say(_("  [{number}/{count}] {title}: đạt").format(number=number, count=len(steps), title=_(title)))
        except Exception as exc:
            message = str(exc) if isinstance(exc, SelfTestFailure) else f"{type(exc).__name__}: {exc}"
            _say(_("  [{number}/{count}] {title}: KHÔNG ĐẠT").format(number=number, count=len(steps), title=_(title)))
            sys.stderr.write(
                _("Tự kiểm tra KHÔNG ĐẠT ở bước “{title}”: {message}").format(title=_(title), message=message) + "\n"
            )
            if not isinstance(exc, SelfTestFailure):
                traceback.print_exc(file=sys.stderr)
            sys.stderr.write(_("Không dùng bản cài đặt này trong hội nghị; báo người cài đặt phần mềm.") + "\n")
            return 1
        finally:
            ws = state.get("ws")
            if isinstance(ws, Workspace):
                ws.close()
    seconds = f"{time.perf_counter() - started:.1f}"
    _say(_("Tự kiểm tra đạt: mọi bước đều đúng ({seconds} giây).").format(seconds=seconds))
    return 0


def _resources(_root: Path) -> None:
    for parts in (
        ("fonts", "LiberationSerif-Regular.ttf"),
        ("fonts", "LiberationSerif-Bold.ttf"),
        ("icons", "kiem_phieu.png"),
        ("icons", "kiem_phieu.ico"),
        ("locale", "en", "LC_MESSAGES", "vote_counter.mo"),
    ):
        try:
            resource(*parts)
        except FileNotFoundError as exc:
            raise SelfTestFailure(
                _("thiếu tệp {join} trong {resources_root}").format(
                    join="/".join(parts), resources_root=resources_root()
                )
            ) from exc
    # The English catalog opens and translates (the language setting of the window and of --lang en).
    english = gettext.translation(i18n.DOMAIN, localedir=str(i18n.locale_dir()), languages=[i18n.ENGLISH])
    if english.gettext("Lỗi: {message}") != "Error: {message}":
        raise SelfTestFailure(_("bản dịch tiếng Anh (vote_counter.mo) không dùng được"))


def _demo(root: Path, state: dict[str, object]) -> None:
    from vote_counter.services.demo import build_demo

    ws = Workspace.open(root / "selftest.sqlite3")
    state["ws"] = ws
    out = root / "files"
    out.mkdir()
    demo = build_demo(ws, voters=DEMO_VOTERS, out=out)
    state["demo"] = demo
    for r in (demo.confidence, demo.approval, demo.nomination):
        assert r.id is not None
        result = ws.counting.result(RoundId(r.id))
        _check(
            result.valid + result.invalid > 0, _("lượt “{title}” không có phiếu nào được tính").format(title=r.title)
        )


def _ballots(root: Path, state: dict[str, object]) -> None:
    from vote_counter.services.demo import DemoRounds

    demo = state["demo"]
    assert isinstance(demo, DemoRounds)
    pdf = root / "files" / f"Phieu_luot{demo.confidence.id}.pdf"
    _check(pdf.is_file(), _("không thấy tệp phiếu {name}").format(name=pdf.name))
    pages = pdf_pages_text(pdf)
    _check(
        len(pages) >= DEMO_VOTERS,
        _("tệp phiếu có {len} trang, cần ít nhất {demo_voters}").format(len=len(pages), demo_voters=DEMO_VOTERS),
    )
    first = demo.confidence.title.upper()
    _check(
        any(first in p.upper() for p in pages[:1]),
        _("không đọc lại được tên lượt “{title}” trên phiếu").format(title=demo.confidence.title),
    )


def _minutes(root: Path, state: dict[str, object]) -> None:
    from vote_counter.services.demo import DemoRounds

    ws, demo = state["ws"], state["demo"]
    assert isinstance(ws, Workspace) and isinstance(demo, DemoRounds)
    rid = RoundId(demo.confidence.id or 0)
    folder = root / "minutes"
    folder.mkdir()
    pdf, docx = ws.reports.write_minutes(rid, folder)
    code = ws.reports.minutes_data(rid).check_code
    pages = pdf_pages_text(pdf)
    _check(bool(pages), _("biên bản PDF không có trang nào"))
    missing = [i + 1 for i, p in enumerate(pages) if code not in p]
    _check(
        not missing,
        _("mã kiểm tra {code} không có trên trang {missing} của biên bản").format(code=code, missing=missing),
    )
    text = "\n".join(pages)
    absent = [c for c in COPIES if c not in text]
    _check(not absent, _("biên bản thiếu bản số {join}").format(join=", ".join(absent)))
    _check(len(pages) % 3 == 0, _("biên bản có {len} trang: không chia đều cho 3 bản").format(len=len(pages)))
    from docx import Document

    words = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    _check("BIÊN BẢN" in words.upper(), _("tệp Word của biên bản không đọc lại được"))


def _audit(state: dict[str, object]) -> None:
    ws = state["ws"]
    assert isinstance(ws, Workspace)
    report = ws.audit.verify()
    _check(report.ok, _("chuỗi nhật ký bị hỏng ở mục {first_bad_seq}").format(first_bad_seq=report.first_bad_seq))
    _check(report.entries > 0, _("nhật ký trống"))


def _export(root: Path, state: dict[str, object]) -> None:
    from vote_counter.exchange.export import export_package
    from vote_counter.exchange.verify import verify_package
    from vote_counter.services.demo import DemoRounds

    ws, demo = state["ws"], state["demo"]
    assert isinstance(ws, Workspace) and isinstance(demo, DemoRounds)
    usb = root / "usb"
    usb.mkdir()
    package = export_package(ws, MeetingId(demo.meeting.id or 0), usb, key_dir=root / "keys")
    report = verify_package(package.folder, expected_fingerprint=package.fingerprint)
    _check(report.ok, _("gói kết quả không qua kiểm tra: {problems}").format(problems="; ".join(report.problems)))
    _check(
        set(report.check_codes.values()) == set(package.check_codes.values()),
        _("mã kiểm tra trong gói kết quả khác với biên bản"),
    )
    _check((package.folder / "verify.py").is_file(), _("gói kết quả thiếu tệp verify.py"))
