"""The tag that stands for a ballot's serial in an entries package (SPEC §5: no serial beside marks).

`export-entries` used to write each ballot's serial next to its marks in plain text: whoever holds the
USB stick and knows which serial a voter received (noted at the door) reads that voter's marks. The
package now carries, instead of the serial, a keyed digest of it: HMAC-SHA256 under a key derived from
the round's own secret key (the key of the QR codes), which both stations hold, because station B's
database is a restored copy of station A's, and nobody else does.

- Duplicates across stations are still found: the same serial gives the same tag on both stations, and
  the importing station maps each tag back to a serial of its own register (unknown tag = not issued).
- Without the round key the tags say nothing: they cannot be recomputed from a list of serials.
- A separate, shuffled list of serials would have lost which marks belong to which paper, and with it the
  side-by-side comparison of the two passes of double entry.
The derived key is distinct from the QR key (its own label), so a tag can never be used as a QR tag.
"""

from __future__ import annotations

import hashlib
import hmac
import re

TAG_HEX = 32  # 128 bits: no two serials of a round collide in practice
TAG_PATTERN = re.compile(rf"[0-9a-f]{{{TAG_HEX}}}")
_LABEL = b"kiem-phieu/entries-tag/v1"


def entries_key(round_key: bytes) -> bytes:
    return hmac.new(round_key, _LABEL, hashlib.sha256).digest()


def entry_tag(key: bytes, serial: str) -> str:
    """The tag of `serial` under `key` (from entries_key)."""
    return hmac.new(key, serial.encode("ascii"), hashlib.sha256).hexdigest()[:TAG_HEX]
