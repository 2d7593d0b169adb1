"""The signed manifest: every file's name, size and SHA-256, and what the package is about (SPEC §8)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import vote_counter
from vote_counter.exchange.standalone_verify import FORMAT, MANIFEST, PUBLIC_KEY, SIGNATURE
from vote_counter.services.signing import fingerprint, public_pem

VERIFIER = "verify.py"


def verifier_source() -> bytes:
    """The standalone checker's source, shipped as verify.py (build.spec must bundle the .py file)."""
    return resources.files("vote_counter.exchange").joinpath("standalone_verify.py").read_bytes()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sign_files(
    files: Mapping[str, bytes],
    key: Ed25519PrivateKey,
    *,
    kind: str,
    created: dt.datetime,
    extra: Mapping[str, Any],
) -> dict[str, bytes]:
    """`files` plus public_key.pem, manifest.json (listing them all) and manifest.sig."""
    out = dict(files)
    out[PUBLIC_KEY] = public_pem(key.public_key())
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "kind": kind,
        "app_version": vote_counter.__version__,
        "created": created.isoformat(timespec="seconds"),
        "key_fingerprint": fingerprint(key.public_key()),
        **extra,
        "files": [{"path": name, "size": len(data), "sha256": sha256(data)} for name, data in sorted(out.items())],
    }
    body = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    out[MANIFEST] = body
    out[SIGNATURE] = key.sign(body)
    return out
