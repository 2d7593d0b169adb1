"""The canonical, machine-readable form of a round's results and its check code.

The same dict is written as results JSON, hashed into the result check code printed on
every page of the minutes, and put in the USB export, so paper and file can be matched.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from vote_counter.domain.rules import Result


def result_to_dict(result: Result) -> dict[str, Any]:
    r = result.round
    return {
        "round": {
            "id": r.id,
            "code": r.code,
            "title": r.title,
            "kind": r.kind.value,
            "position": r.position,
            "mode": r.mode.value,
            # no "stage": closing or sealing the round does not change its results, and the code on
            # the signed minutes must still match the export written later (SPEC §7)
            "seats": r.seats,
            "percent_base": result.base.value,
            "invalid_policy": r.policy.value,
            "level_labels": list(r.level_labels),
            "announced": r.announced,
        },
        "summoned": result.summoned,
        "present": result.present,
        "absent": result.absent,
        "issued": result.issued,
        "collected": result.collected,
        "valid": result.valid,
        "invalid": result.invalid,
        "invalid_reasons": {k.value: v for k, v in sorted(result.invalid_reasons.items())},
        "base_value": result.base_value,
        "quorum": result.quorum,
        "reconciled": result.reconciled,
        "tie": result.tie,
        "problems": [
            {"code": p.code.value, "nominee_id": p.nominee_id, "expected": p.expected, "actual": p.actual}
            for p in result.problems
        ],
        "nominees": [
            {
                "nominee_id": n.nominee_id,
                "name": n.name,
                "counts": list(n.counts),
                "not_counted": n.not_counted,
                "percents": [
                    {
                        "display": p.display,
                        "numerator": p.numerator,
                        "denominator": p.denominator,
                        "fraction": str(p.fraction) if p.fraction is not None else None,
                    }
                    for p in n.percents
                ],
                "band": n.band.value if n.band else None,
                "approval": n.approval.value if n.approval else None,
                "selection": n.selection.value if n.selection else None,
                "tied": n.tied,
            }
            for n in result.nominees
        ],
    }


def canonical_bytes(result: Result) -> bytes:
    return json.dumps(result_to_dict(result), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def check_code(result: Result) -> str:
    """Short SHA-256 of the canonical results, grouped for reading aloud: 'A1B2-C3D4-E5F6'."""
    digest = hashlib.sha256(canonical_bytes(result)).hexdigest().upper()[:12]
    return "-".join(digest[i : i + 4] for i in range(0, 12, 4))
