"""Ed25519 keys that sign the export manifests.

A meeting's own key (`meeting_signing_key`) is kept in the database encrypted under the meeting key
(storage/keys.py): unreadable from the file or the folder beside it once the meeting has accounts.
`load_or_create_key` keeps a key in a folder the user names (`export --key-dir`), for a station that
signs with a key of its own."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from vote_counter.i18n import _
from vote_counter.services.accounts import Access
from vote_counter.services.errors import ErrorCode, ServiceError
from vote_counter.storage import keys

KEY_FILE = "khoa_ky_xuat.pem"  # private key: never leaves this computer


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """First 16 hex digits of the SHA-256 of the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_or_create_key(key_dir: Path) -> Ed25519PrivateKey:
    """The key in `key_dir`, created on first use (atomically: two processes never get two keys)."""
    path = Path(key_dir) / KEY_FILE
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            tmp = path.with_name(f".{KEY_FILE}.{secrets.token_hex(4)}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, pem)
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(tmp, path)  # fails if another process created the key meanwhile: use theirs
            except FileExistsError:
                pass
            except OSError:  # no hard links on this disk
                if not path.exists():
                    os.replace(tmp, path)
            finally:
                with contextlib.suppress(OSError):
                    tmp.unlink()
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise ServiceError(
            ErrorCode.EXPORT_FAILED, where=str(path), detail=_("khóa ký: {error}").format(error=exc)
        ) from exc
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ServiceError(ErrorCode.EXPORT_FAILED, where=str(path), detail=_("khóa ký không phải Ed25519"))
    return loaded


def meeting_signing_key(access: Access, meeting_id: int) -> Ed25519PrivateKey:
    """The meeting's signing key, made on first use. KEYS_LOCKED if the meeting key is shut.

    Not logged, as the key file was not: its fingerprint is printed on the minutes and written in each
    export, and making it must not move the audit head between the minutes and the export."""
    access.open_keys(meeting_id)
    with access.transaction() as s:
        secret = keys.signing_secret(s, meeting_id)
        if secret is not None:
            return Ed25519PrivateKey.from_private_bytes(secret)
        key = Ed25519PrivateKey.generate()
        raw = key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        keys.store_signing_secret(s, meeting_id, raw)
        return key
