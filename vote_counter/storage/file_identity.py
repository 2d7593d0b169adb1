"""Which file the database is: so a file removed, replaced or moved under a running app is noticed.

SQLite keeps writing into a file that was deleted (POSIX) while its connections hold it open, and says
every save succeeded: 5,000 ballots "saved" into a file nobody can open again. The workspace remembers
the file's identity when it opens it and compares it after every commit, before the save is
acknowledged (issue 12).

Identity = (device, file id, creation time). os.stat gives the device and the file id on every OS
(on Windows st_ino is the NTFS/FAT file index and st_dev the volume serial number); the creation time
(st_birthtime, Windows and macOS) tells a new file that reused a file id from the old one. Linux has no
creation time in os.stat; there the file id cannot be reused while our connections hold the old file
open, which they do for the whole session.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileIdentity:
    device: int
    file_id: int
    created_ns: int | None  # None where the OS does not report a creation time (Linux)


def file_identity(path: Path) -> FileIdentity | None:
    """The identity of the file now at `path`; None when there is no file there."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None
    created = getattr(st, "st_birthtime_ns", None)
    if created is None and os.name == "nt":
        created = st.st_ctime_ns  # on Windows before Python 3.12, st_ctime is the creation time
    return FileIdentity(device=st.st_dev, file_id=st.st_ino, created_ns=created)
