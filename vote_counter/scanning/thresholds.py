"""Where a box stops being empty and starts being marked: pure Python, so settings and commands can check
them without loading the image libraries."""

from __future__ import annotations

from dataclasses import dataclass

DEFINITE = 0.07
MARGINAL = 0.012


@dataclass(frozen=True)
class Thresholds:
    """Where a box stops being empty and starts being marked (shares of the box's inner area).

    definite: ink share at or above which a box is marked. marginal: ink share below which a box may be
    empty; between the two it is ambiguous. grey: mean darkness above which an ink-free box is ambiguous
    (pencil, smudges, erasures). scribble: ink share beyond which, with ink spilling far around the box,
    the mark is taken as crossed out. Defaults chosen on the synthetic corpus (tests/helpers/scan_corpus).
    """

    definite: float = DEFINITE
    marginal: float = MARGINAL
    grey: float = 0.035
    scribble: float = 0.55
    spill: float = 0.25

    def __post_init__(self) -> None:
        if not 0 < self.marginal < self.definite < 1:
            raise ValueError("thresholds must satisfy 0 < marginal < definite < 1")
