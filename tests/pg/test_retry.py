"""SERIALIZABLE on the hall's PostgreSQL: a real serialization failure becomes WRITE_CONFLICT and is run again."""

from __future__ import annotations

import psycopg
import pytest

from tests.pg.conftest import Host
from vote_counter.services.errors import ErrorCode, ServiceError, storage_error
from vote_counter.services.retry import ATTEMPTS, retrying
from vote_counter.storage.pg_engine import make_pg_engine


def _write_skew(host: Host, url: str) -> BaseException:
    """Two SERIALIZABLE transactions that each read what the other writes (no chain lock): one must fail."""
    engine = make_pg_engine(url, pool_size=2)
    try:
        with engine.connect() as a, engine.connect() as b:
            a.exec_driver_sql("SELECT count(*) FROM main.chain_lock WHERE id = 1").all()
            b.exec_driver_sql("SELECT count(*) FROM main.chain_lock WHERE id = 2").all()
            a.exec_driver_sql("INSERT INTO main.chain_lock (id) VALUES (2)")
            b.exec_driver_sql("INSERT INTO main.chain_lock (id) VALUES (1)")
            a.commit()
            with pytest.raises(Exception) as info:
                b.commit()
            return info.value
    finally:
        engine.dispose()


def test_a_serialization_failure_is_a_write_conflict_to_retry(pg_host: Host, pg_url: str) -> None:
    failure = _write_skew(pg_host, pg_url)
    assert isinstance(getattr(failure, "orig", None), psycopg.errors.SerializationFailure)
    assert storage_error(failure).code is ErrorCode.WRITE_CONFLICT


def test_retrying_runs_the_action_again_and_gives_up_with_the_message(pg_host: Host, pg_url: str) -> None:
    conflict = storage_error(_write_skew(pg_host, pg_url))
    calls: list[int] = []
    pauses: list[float] = []

    def twice() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise conflict
        return "đã lưu"

    assert retrying(twice, pause=pauses.append) == "đã lưu"
    assert len(calls) == 3 and len(pauses) == 2

    def always() -> str:
        raise conflict

    with pytest.raises(ServiceError) as info:
        retrying(always, pause=lambda _s: None)
    assert info.value.code is ErrorCode.WRITE_CONFLICT and "nhiều lần thử" in info.value.message

    calls.clear()

    def other() -> str:
        calls.append(1)
        raise ServiceError(ErrorCode.DUPLICATE, serial="123456789012")

    with pytest.raises(ServiceError):
        retrying(other, pause=lambda _s: None)
    assert len(calls) == 1  # only conflicts are retried
    assert ATTEMPTS >= 3
