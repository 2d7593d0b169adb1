"""What a stage page is: a widget over the shared context that redraws on refresh()."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from vote_counter.domain.model import STAGE_ORDER, Stage
from vote_counter.ui import texts
from vote_counter.ui.context import AppContext


class Page(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    def refresh(self) -> None:
        """Redraw from the services."""


def stage_block(stage: Stage | None, *allowed: Stage, template: str | None = None) -> str | None:
    """Why the current stage does not allow an action, or None if it does."""
    if stage is None:
        return texts.WHY_NO_ROUND
    if stage in allowed:
        return None
    if stage is Stage.SEALED:
        return texts.WHY_SEALED
    return (template or texts.WHY_NOT_PREPARATION).format(stage=texts.STAGE[stage])


def next_stage(stage: Stage) -> Stage | None:
    i = STAGE_ORDER.index(stage)
    return STAGE_ORDER[i + 1] if i + 1 < len(STAGE_ORDER) else None


def previous_stage(stage: Stage) -> Stage | None:
    i = STAGE_ORDER.index(stage)
    return STAGE_ORDER[i - 1] if i > 0 else None
