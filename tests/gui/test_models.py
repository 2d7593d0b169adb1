"""Every Qt model the window uses, checked by QAbstractItemModelTester."""

from __future__ import annotations

from pytestqt.modeltest import ModelTester

from tests.gui.conftest import seed_round
from vote_counter.domain.model import BallotMarks, NomineeId, RoundKind, Stage
from vote_counter.services.workspace import Workspace
from vote_counter.ui.entry_grid import EntryGridModel
from vote_counter.ui.models import DifferencesModel, NomineesModel, ResultsModel, TotalsModel


def _marks(ids: list[NomineeId], *boxes: int) -> BallotMarks:
    return BallotMarks({nid: frozenset({b}) for nid, b in zip(ids, boxes, strict=True)})


def test_models_over_a_counted_round(qtmodeltester: ModelTester, workspace: Workspace) -> None:
    seeded = seed_round(workspace, double_entry=True, ballots=4)
    rid = seeded.round_id
    round_ = workspace.setup.round(rid)
    nominees = workspace.setup.nominees(rid)
    ids = [n.id for n in nominees if n.id is not None]
    counting = workspace.counting
    counting.record(rid, seeded.ballots[0].payload, _marks(ids, 0, 1, 2))
    counting.record(rid, seeded.ballots[1].payload, _marks(ids, 2, 2, 2))
    counting.record(rid, seeded.ballots[0].payload, _marks(ids, 0, 1, 1), pass_no=2)

    nominees_model = NomineesModel()
    nominees_model.set_nominees(nominees)
    qtmodeltester.check(nominees_model)

    totals = TotalsModel()
    qtmodeltester.check(totals)
    totals.set_totals(round_, nominees, counting.totals(rid))
    qtmodeltester.check(totals)
    assert totals.rowCount() == 3 and totals.columnCount() == 5

    results = ResultsModel()
    qtmodeltester.check(results)
    results.set_result(counting.result(rid))
    qtmodeltester.check(results)
    assert results.index(2, 7).data() == "100,00%"  # 2 of 2 collected rated low
    assert results.index(2, 9).data() == "Từ 2/3 phiếu tín nhiệm thấp trở lên"

    diffs = DifferencesModel()
    diffs.set_differences(round_, nominees, counting.pass_differences(rid))
    qtmodeltester.check(diffs)
    assert diffs.rowCount() == 2  # one disagreement, one ballot only in pass 1
    texts = {diffs.index(r, 2).data() for r in range(2)}
    assert "(chưa nhập)" in texts

    grid = EntryGridModel()
    qtmodeltester.check(grid)
    grid.load(round_, nominees, _marks(ids, 0, 1, 2))
    qtmodeltester.check(grid)
    grid.toggle(0, 1)
    assert grid.index(0, 3).data() == "X"


def test_results_model_for_nomination_with_tie(qtmodeltester: ModelTester, workspace: Workspace) -> None:
    seeded = seed_round(workspace, kind=RoundKind.NOMINATION, ballots=4)
    rid = seeded.round_id
    ids = [n.id for n in workspace.setup.nominees(rid) if n.id is not None]
    for ballot, nid in zip(seeded.ballots, (ids[0], ids[1], ids[0], ids[2]), strict=True):
        workspace.counting.record(rid, ballot.payload, BallotMarks({nid: frozenset({0})}))
    model = ResultsModel()
    model.set_result(workspace.counting.result(rid))
    qtmodeltester.check(model)
    assert model.headers[-1] == "Kết luận"
    assert workspace.setup.round(rid).stage is Stage.COUNTING
    outcomes = [model.index(r, model.columnCount() - 1).data() for r in range(model.rowCount())]
    # Nobody over half of 4: the two highest go forward, and places 2–3 are tied.
    assert outcomes == [
        "Được giới thiệu sang bước tiếp theo",
        "Ngang phiếu — người đứng đầu xem xét, quyết định",
        "Ngang phiếu — người đứng đầu xem xét, quyết định",
    ]
