"""Running a write again when PostgreSQL's SERIALIZABLE check refused it (issue 16).

Writers through the chain lock never conflict with each other (storage/pg_engine.py); a conflict can still come
from a write that did not take it, and then the whole action runs again from its start, a few times, with a
short random pause. SQLite never raises WRITE_CONFLICT, so there this costs nothing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from vote_counter.services.errors import ErrorCode, ServiceError

T = TypeVar("T")
ATTEMPTS = 6


def retrying(action: Callable[[], T], attempts: int = ATTEMPTS, pause: Callable[[float], None] = time.sleep) -> T:
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except ServiceError as exc:
            if exc.code is not ErrorCode.WRITE_CONFLICT or attempt == attempts:
                raise
            pause(random.uniform(0.005, 0.02) * attempt)
    raise AssertionError("unreachable")  # pragma: no cover
