"""`vote-counter --self-test` from the source tree, as a subprocess (CI runs the same flag on the frozen bundle)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vote_counter.cli import self_test


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"))
    env.pop("DISPLAY", None)  # no display: the self-test must never need one
    return subprocess.run(
        [sys.executable, "-m", "vote_counter", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )


def test_self_test_passes_offscreen_and_leaves_nothing_behind(tmp_path: Path) -> None:
    proc = _run(tmp_path, "--self-test")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Tự kiểm tra đạt" in proc.stdout
    for step in ("chuỗi nhật ký", "gói kết quả", "biên bản", "cửa sổ chính"):
        assert step in proc.stdout
    assert proc.stdout.count(": đạt") == 7
    # a temporary database only: no user database was created, nothing left in the working folder
    assert not (tmp_path / "data").exists()
    assert list(tmp_path.iterdir()) == []


def test_a_failing_step_says_which_in_vietnamese_and_exits_non_zero(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_root: Path) -> None:
        raise self_test.SelfTestFailure("thiếu tệp fonts/LiberationSerif-Regular.ttf")

    monkeypatch.setattr(self_test, "_resources", broken)
    assert self_test.run_self_test() == 1
    out = capsys.readouterr()
    assert "KHÔNG ĐẠT" in out.out
    assert "Tự kiểm tra KHÔNG ĐẠT ở bước “Tài nguyên đóng gói" in out.err
    assert "LiberationSerif-Regular.ttf" in out.err


def test_an_extra_step_reporting_a_problem_fails_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert self_test.run_self_test([("Bước thêm", lambda _root: "cửa sổ không vẽ được")]) == 1
    assert "cửa sổ không vẽ được" in capsys.readouterr().err


def test_version_flag(tmp_path: Path) -> None:
    proc = _run(tmp_path, "--version")
    assert proc.returncode == 0
    from vote_counter import __version__

    assert proc.stdout.strip() == f"Kiểm Phiếu {__version__}"
