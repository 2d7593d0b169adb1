"""Reading and verifying the audit chain."""

from __future__ import annotations

from typing import Any

from vote_counter.services.base import DEFAULT_ACTOR, ServiceBase
from vote_counter.storage import audit
from vote_counter.storage.audit import AuditEntry, ChainReport


class AuditService(ServiceBase):
    def verify(self) -> ChainReport:
        with self._read() as s:
            return audit.verify(s)

    def head(self) -> str:
        with self._read() as s:
            return audit.head(s)

    def entries(self) -> list[AuditEntry]:
        with self._read() as s:
            return audit.entries(s)

    def record(self, action: str, details: dict[str, Any], actor: str = DEFAULT_ACTOR) -> str:
        """One entry in its own transaction, for actions outside the database (an export written)."""
        with self._write() as s:
            return audit.append(s, actor, action, details)
