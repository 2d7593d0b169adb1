"""Screenshots of the entry page (a 30-name ballot), the tally sheet, the lock screen and the close checks at the
board's screen sizes, to look at (issue 11). Not a test.

    .venv/bin/python scripts/entry_shots.py OUT_DIR            # 1366×768, 1280×720, 1024×768 and 1920×1080 at 150 %

Each size runs in its own process (QT_SCALE_FACTOR needs a fresh QApplication); the window gets the client area
of a maximised window on that screen (taskbar and title bar taken off, in device-independent pixels).
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (tag, logical client width, height, scale): a maximised window under a 48 px taskbar and a 31 px title bar.
SIZES = (
    ("1366x768", 1366, 689, "1"),
    ("1280x720", 1280, 641, "1"),
    ("1024x768", 1024, 689, "1"),
    ("1920x1080@150", 1280, 667, "1.5"),
)
NAMES = ("Nguyễn Văn", "Trần Thị", "Lê Hoàng", "Phạm Quốc", "Hoàng Thị Thu")
GIVEN = ("An", "Bích", "Đức", "Hương", "Khánh", "Lộc")


def shoot(out: Path, tag: str, width: int, height: int) -> str:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest

    from tests.gui.conftest import seed_round
    from vote_counter.services.workspace import Workspace
    from vote_counter.ui import close_check, texts
    from vote_counter.ui.app import make_application
    from vote_counter.ui.main_window import MainWindow

    app = make_application(["shots"])
    tmp = Path(tempfile.mkdtemp())
    ws = Workspace.open(tmp / "db.sqlite3")
    names = tuple(f"{NAMES[i % 5]} {GIVEN[i % 6]} {i + 1}" for i in range(30))
    title = "Lấy phiếu tín nhiệm đối với người giữ chức vụ do Hội đồng nhân dân tỉnh bầu năm 2025"
    seeded = seed_round(ws, names=names, collected=None, title=title)
    ticks = itertools.count(start=1000.0, step=0.25)  # every key a person's: the marks below stay marks
    window = MainWindow(ws, QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat), clock=lambda: next(ticks))
    window.resize(width, height)
    window.show()
    app.processEvents()
    page = window.entry_page
    page.scan.setText(seeded.ballots[0].payload)
    page.scan_entered()
    for digit in "1231231231":
        QTest.keyClick(page.grid, getattr(Qt.Key, f"Key_{digit}"))
    app.processEvents()
    window.grab().save(str(out / f"entry_{tag}.png"))
    grid = page.grid
    lines = [f"{tag}: grid rows visible {grid.viewport().height() // grid.rowHeight(0)} of 30"]
    page.cancel()
    page.tabs.setCurrentWidget(page.sheet)
    app.processEvents()
    window.grab().save(str(out / f"sheet_{tag}.png"))
    table = page.sheet.table
    lines.append(f"{tag}: tally sheet rows visible {table.viewport().height() // table.rowHeight(0)}")
    page.tabs.setCurrentIndex(0)
    window.lock_screen()
    app.processEvents()
    window.grab().save(str(out / f"lock_{tag}.png"))
    window.lock_overlay.hide()
    window._unlocked()
    blockers = ws.stages.close_blockers(seeded.round_id)
    dialog = close_check.BlockersDialog(
        texts.ACTION_CLOSE_SHORT, blockers, [close_check.FIX_COUNTS, close_check.FIX_RESULTS], window
    )
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(out / f"close_{tag}.png"))
    ws.close()
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "shots")
    out.mkdir(parents=True, exist_ok=True)
    if len(argv) > 2:  # the child: one size
        tag, width, height = argv[2], int(argv[3]), int(argv[4])
        print(shoot(out, tag, width, height))
        return 0
    for tag, width, height, scale in SIZES:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale)
        subprocess.run([sys.executable, __file__, str(out), tag, str(width), str(height)], check=True, env=env)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
