"""Shared by the benchmark scripts: interleaved runs and summaries with their spread (issue 15).

Product and baseline are timed in alternation (A B, B A, A B, …) so that a burst of load on the shared machine
hits both; every figure is a median with its p10–p90 range, and ratios are of medians measured in the same run.
"""

from __future__ import annotations

import os
import platform
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


def quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass(frozen=True)
class Summary:
    label: str
    values: tuple[float, ...]  # seconds

    @property
    def p50(self) -> float:
        return quantile(self.values, 0.5)

    @property
    def p99(self) -> float:
        return quantile(self.values, 0.99)

    def line(self, unit: str = "ms") -> str:
        scale = 1000.0 if unit == "ms" else 1.0
        v = [x * scale for x in self.values]
        return (
            f"{self.label:<50} median {quantile(v, 0.5):8.3f} {unit}   p10–p90 {quantile(v, 0.1):.3f}–"
            f"{quantile(v, 0.9):.3f}   IQR {quantile(v, 0.75) - quantile(v, 0.25):.3f}   p99 {quantile(v, 0.99):.3f}"
            f"   (n={len(v)})"
        )


def interleave(runs: int, *jobs: tuple[str, Callable[[], float]]) -> list[Summary]:
    """Run each job `runs` times, alternating their order every round; each job returns its own timing."""
    times: dict[str, list[float]] = {name: [] for name, _ in jobs}
    for i in range(runs):
        order = jobs if i % 2 == 0 else tuple(reversed(jobs))
        for name, job in order:
            times[name].append(job())
    return [Summary(name, tuple(times[name])) for name, _ in jobs]


def timed(call: Callable[[], object]) -> Callable[[], float]:
    def run() -> float:
        t0 = time.perf_counter()
        call()
        return time.perf_counter() - t0

    return run


def ratio(a: Summary, b: Summary, q: float = 0.5) -> float:
    return quantile(a.values, q) / quantile(b.values, q)


def machine() -> str:
    """lscpu's model name and the core count, for RESULTS.md."""
    model = platform.processor() or platform.machine()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False, timeout=10).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{model}, {os.cpu_count()} cores, load {load:.1f}, Python {platform.python_version()}"
