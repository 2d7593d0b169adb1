"""Adding one classified ballot to running totals without re-tallying (issue 15: a save near one round trip).

`add_ballot(totals, round_, ids, marks, validity)` equals `totals + tally(round_, nominees, [marks])` for the
ballot `classify` judged `validity`; tests compare the two (and the persisted totals with a recount) after
random sequences of saves.
"""

from __future__ import annotations

from collections.abc import Sequence

from vote_counter.domain.model import DISAGREE, BallotMarks, NomineeId, Round, RoundKind, Validity, nfc
from vote_counter.domain.rules import Totals


def add_ballot(
    totals: Totals, round_: Round, ids: Sequence[NomineeId], marks: BallotMarks, validity: Validity
) -> Totals:
    rows = dict(totals.rows)
    if not all(map(rows.__contains__, ids)):  # every nominee has a row, as tally gives them
        zeros = (0,) * round_.options
        for nid in [n for n in ids if n not in rows]:
            rows[nid] = zeros
    if not validity.valid:
        reasons = dict(totals.invalid_reasons)
        for r in validity.reasons:
            reasons[r] = reasons.get(r, 0) + 1
        return Totals(totals.valid, totals.invalid + 1, reasons, rows, totals.not_counted, totals.write_ins)
    not_counted = totals.not_counted
    if round_.kind is RoundKind.APPROVAL and round_.blank_is_disagree and all(not marks.rows.get(n) for n in ids):
        for nid in ids:
            row = list(rows[nid])
            row[DISAGREE] += 1
            rows[nid] = tuple(row)
        return Totals(totals.valid + 1, totals.invalid, totals.invalid_reasons, rows, not_counted, totals.write_ins)
    if validity.void_rows:
        more = dict(not_counted)
        for nid in validity.void_rows:
            more[nid] = more.get(nid, 0) + 1
        not_counted = more
    void, marked = validity.void_rows, marks.rows.get
    for nid in ids:
        boxes = marked(nid)
        if boxes and (not void or nid not in void):
            row = list(rows[nid])
            for box in boxes:
                row[box] += 1
            rows[nid] = tuple(row)
    write_ins = totals.write_ins
    if marks.write_ins:
        names = dict(write_ins)
        for name in marks.write_ins:
            names[nfc(name)] = names.get(nfc(name), 0) + 1
        write_ins = names
    return Totals(totals.valid + 1, totals.invalid, totals.invalid_reasons, rows, not_counted, write_ins)
