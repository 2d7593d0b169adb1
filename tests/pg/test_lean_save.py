"""The ballot save's lane on PostgreSQL (storage/pg_lane.py): what it checks before the chain lock is checked again
under it, and whatever goes wrong it writes nothing and frees the lock (issue 16). Its round trips:
tests/pg/test_lean_wire.py.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from tests.helpers.builders import assert_vietnamese, build_round, sign_in_known_boards
from tests.pg.conftest import Host
from tests.pg.lean_helpers import save_ballot, session_statements
from vote_counter.domain.model import Counts, RoundKind, Stage
from vote_counter.services.counting import CountingService
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.services.workspace import Workspace


@pytest.mark.parametrize("race", ["closed", "same paper"])
def test_a_save_racing_another_station_between_its_checks_and_the_lock_is_refused_once(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, race: str
) -> None:
    ws = Workspace.open(pg_url)
    other = Workspace.open(pg_url)  # a second station (its name is per process: not told apart here)
    try:
        built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=6)
        sign_in_known_boards(other)
        save_ballot(ws, built, 0)
        save_ballot(ws, built, 1)  # the context is current: the next save takes the lane
        before = ws.audit.entries()
        classify = CountingService._classify
        raced: list[str] = []

        def meanwhile(*args: Any) -> Any:
            # Called before the lock, once the payload was checked against the context: the other station acts now.
            if not raced:
                raced.append(race)
                if race == "closed":
                    counts = other.setup.round(built.round_id).counts
                    other.setup.set_counts(
                        built.round_id, Counts(counts.summoned, counts.present, counts.issued, collected=2)
                    )
                    other.stages.change(built.round_id, Stage.CLOSED)
                else:
                    save_ballot(other, built, 2)
            return classify(*args)

        monkeypatch.setattr(CountingService, "_classify", staticmethod(meanwhile))
        with pytest.raises(ServiceError) as info:
            save_ballot(ws, built, 2)
        assert raced == [race]
        assert_vietnamese(info.value.message)
        after = ws.audit.entries()
        new = [e.action for e in after[len(before) :]]
        if race == "closed":
            assert info.value.code is ErrorCode.WRONG_STAGE
            assert new == ["counts_set", "stage_changed"]
            expected = 2
        else:
            assert info.value.code is ErrorCode.DUPLICATE
            assert new == ["ballot_saved"]  # counted once, by the other station
            expected = 3
        totals = ws.counting.totals(built.round_id)
        assert totals.valid + totals.invalid == expected
        assert ws.register.summary(built.round_id).counted == expected
        assert len(ws.counting.ballots(built.round_id)) == expected
        assert ws.audit.verify().ok
    finally:
        ws.close()
        other.close()


def test_a_row_noted_that_the_lane_did_not_write_is_not_committed_by_it_but_sealed_by_the_session_path(
    pg_host: Host, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vote_counter.storage import pg_lane

    refusals: list[str | None] = []
    commit = pg_lane.Save.commit

    def spy(self: pg_lane.Save, *args: Any) -> bool:
        done = commit(self, *args)
        refusals.append(self.refused)
        return done

    monkeypatch.setattr(pg_lane.Save, "commit", spy)
    ws = Workspace.open(pg_url)
    try:
        built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=6)
        save_ballot(ws, built, 0)
        # Someone with the owner's password adds a trigger: each ballot inserted also rewrites another register line.
        database = pg_url.rsplit("/", 1)[1]
        with pg_host.admin(database) as conn:
            conn.autocommit = True
            conn.execute(
                "CREATE FUNCTION main.kp_test_extra() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "UPDATE main.ballot_register SET mode = mode WHERE id = "
                "(SELECT max(id) FROM main.ballot_register WHERE serial <> NEW.serial); "
                "RETURN NULL; END $$"
            )
            conn.execute(
                "CREATE TRIGGER kp_test_extra AFTER INSERT ON main.ballots "
                "FOR EACH ROW EXECUTE FUNCTION main.kp_test_extra()"
            )
            last_line = conn.execute(
                "SELECT max(id) FROM main.ballot_register WHERE serial <> %s", (built.printed[1].serial,)
            ).fetchone()
        assert last_line is not None
        save_ballot(ws, built, 1)
        assert refusals == ["22P02"]  # TAKE_NOTES refused the lane's transaction (a text that is no integer)
        entry = [e for e in ws.audit.entries() if e.action == "ballot_saved"][-1]
        digests = entry.details["seal"][0]["digests"]
        # The lane would have sealed its three rows only; the session path sealed the fourth row too.
        assert f"ballot_register:{last_line[0]}" in digests and len(digests) == 4
        assert ws.audit.verify().ok
        assert ws.counting.recount_check(built.round_id).matches
    finally:
        ws.close()


def test_a_lane_connection_killed_between_saves_is_replaced_and_the_save_goes_through(
    pg_host: Host, pg_url: str
) -> None:
    ws = Workspace.open(pg_url)
    try:
        built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=6)
        save_ballot(ws, built, 0)
        save_ballot(ws, built, 1)  # the lane holds its connection now
        database = pg_url.rsplit("/", 1)[1]
        with pg_host.admin(database) as conn:
            conn.autocommit = True
            killed = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s AND usename = %s",
                (database, pg_host.creds.app_user),
            ).fetchone()
        assert killed is not None and killed[0] >= 1
        save_ballot(ws, built, 2)
        save_ballot(ws, built, 3)
        totals = ws.counting.totals(built.round_id)
        assert totals.valid + totals.invalid == 4
        assert ws.audit.verify().ok
    finally:
        ws.close()


def test_another_stations_saves_in_the_other_pass_are_not_missed_by_this_ones_totals(pg_url: str) -> None:
    ws = Workspace.open(pg_url)
    other = Workspace.open(pg_url)  # a second station (its name is per process: not told apart here)
    try:
        built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=8, double_entry=True)
        sign_in_known_boards(other)
        save_ballot(ws, built, 0, pass_no=1)
        save_ballot(ws, built, 0, pass_no=2)  # this station's context now holds both passes' totals
        save_ballot(other, built, 1, pass_no=2)  # the second pass moves on another station
        save_ballot(ws, built, 1, pass_no=1)  # the lane: the head moved, ballot saves only
        save_ballot(ws, built, 2, pass_no=2)  # must count on top of station 2's pass-2 ballot
        save_ballot(ws, built, 2, pass_no=1)
        assert ws.counting.recount_check(built.round_id).matches
        second = ws.counting.totals(built.round_id, 2)
        assert second.valid + second.invalid == 3
        assert ws.audit.verify().ok
    finally:
        ws.close()
        other.close()


def test_the_lane_gives_its_connection_back_as_the_pool_lent_it(pg_url: str) -> None:
    ws = Workspace.open(pg_url)
    built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=3)
    save_ballot(ws, built, 0)
    save_ballot(ws, built, 1)
    lane = ws.counting._pg_lane
    assert lane is not None
    conn = lane.connection()
    assert isinstance(conn, psycopg.Connection) and conn.autocommit
    ws.counting.close()
    assert not conn.autocommit and not conn.closed  # back in the pool, in a transaction mode like the others
    ws.close()


def test_a_context_ahead_of_the_log_is_not_trusted_and_the_session_path_saves(pg_url: str) -> None:
    ws = Workspace.open(pg_url)
    try:
        built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=4)
        save_ballot(ws, built, 0)
        ctx = ws.counting._live.latest(built.round_id)
        assert ctx is not None
        ctx.seq += 3  # as if the log were shorter than this station saw: a database restored under it, say
        session = session_statements(ws)
        save_ballot(ws, built, 1)
        assert any(s.startswith("INSERT INTO ballots") for s in session)  # the session path, which reloads the round
        totals = ws.counting.totals(built.round_id)
        assert totals.valid + totals.invalid == 2
        assert ws.audit.verify().ok
    finally:
        ws.close()


def test_a_failure_between_the_two_round_trips_writes_nothing_and_leaves_the_chain_lock_free(
    pg_host: Host, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vote_counter.services import ballot_save_pg

    ws = Workspace.open(pg_url)
    try:
        built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=4)
        save_ballot(ws, built, 0)
        entries = len(ws.audit.entries())

        def broken(*_args: Any) -> Any:
            raise RuntimeError("hỏng giữa chừng")

        monkeypatch.setattr(ballot_save_pg, "add_ballot", broken)
        with pytest.raises(RuntimeError):
            save_ballot(ws, built, 1)
        database = pg_url.rsplit("/", 1)[1]
        with pg_host.admin(database) as conn:
            conn.execute("LOCK TABLE main.chain_lock IN EXCLUSIVE MODE NOWAIT")  # fails at once if still held
            conn.rollback()
        monkeypatch.undo()
        assert len(ws.audit.entries()) == entries
        assert ws.register.summary(built.round_id).counted == 1
        save_ballot(ws, built, 1)  # the same paper, now saved once
        totals = ws.counting.totals(built.round_id)
        assert totals.valid + totals.invalid == 2
        assert ws.audit.verify().ok
    finally:
        ws.close()


def test_a_serialization_failure_in_the_lane_is_run_again_and_the_ballot_saved_once(
    pg_host: Host, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vote_counter.services import ballot_save_pg
    from vote_counter.storage import pg_lane, pg_schema

    ws = Workspace.open(pg_url)
    try:
        built = build_round(ws, RoundKind.CONFIDENCE, nominees=3, printed=4)
        save_ballot(ws, built, 0)
        database = pg_url.rsplit("/", 1)[1]
        add_ballot = ballot_save_pg.add_ballot
        commits: list[tuple[bool, str | None]] = []
        commit = pg_lane.Save.commit

        def spy(self: pg_lane.Save, *args: Any) -> bool:
            done = commit(self, *args)
            commits.append((done, self.refused))
            return done

        def meanwhile(*args: Any) -> Any:
            # Between the lane's read and its write, a writer that skips the chain lock reads the totals the lane is
            # about to write and rewrites (unchanged) the round the lane read, and commits first: a cycle that
            # SERIALIZABLE must break by failing the lane.
            if not commits:
                with pg_host.admin(database) as x:
                    x.execute(pg_schema.TOUCHED_DDL)
                    x.commit()
                    x.isolation_level = psycopg.IsolationLevel.SERIALIZABLE
                    x.execute("SELECT data FROM main.running_totals WHERE round_id = %s", (built.round_id,)).fetchall()
                    x.execute("UPDATE main.rounds SET stage = stage WHERE id = %s", (built.round_id,))
                    x.commit()
            return add_ballot(*args)

        monkeypatch.setattr(ballot_save_pg, "add_ballot", meanwhile)
        monkeypatch.setattr(pg_lane.Save, "commit", spy)
        save_ballot(ws, built, 1)
        # The lane's transaction was refused as a conflict and rolled back ... (psycopg names the conflict, 40001, or,
        # when the write's error arrived before the statements queued after it were sent, only PipelineAborted
        # with nothing chained: both end the same way, nothing committed, the session path saves it again)
        assert commits[0][0] is False and commits[0][1] in ("40001", None), commits
        monkeypatch.undo()
        totals = ws.counting.totals(built.round_id)
        assert totals.valid + totals.invalid == 2  # ... and the save ran again: counted once
        assert ws.register.summary(built.round_id).counted == 2
        assert [e.action for e in ws.audit.entries()].count("ballot_saved") == 2
    finally:
        ws.close()
