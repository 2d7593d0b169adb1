"""Reading and verifying the audit chain."""

from __future__ import annotations

from vote_counter.services.base import ServiceBase
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
