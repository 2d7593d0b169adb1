"""The pure-Python Ed25519 verifier inside verify.py: RFC 8032's vectors, the cryptography library on
random keys and messages, and every modified signature, message or key refused."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vote_counter.exchange.standalone_verify import ed25519_verify, raw_public_key

# RFC 8032, section 7.1: (secret key, public key, message, signature), hex.
RFC8032 = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
    (
        "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
        "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704",
    ),
]
L = 2**252 + 27742317777372353535851937790883648493


def _raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@pytest.mark.parametrize(("secret", "public", "message", "signature"), RFC8032)
def test_rfc8032_vectors(secret: str, public: str, message: str, signature: str) -> None:
    pk, msg, sig = bytes.fromhex(public), bytes.fromhex(message), bytes.fromhex(signature)
    # The vectors as copied are RFC 8032's: the cryptography library derives the same key and signature.
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(secret))
    assert _raw(key) == pk and key.sign(msg) == sig
    assert ed25519_verify(pk, msg, sig)
    assert not ed25519_verify(pk, msg + b"\x00", sig)
    flipped = bytearray(sig)
    flipped[0] ^= 0x01
    assert not ed25519_verify(pk, msg, bytes(flipped))


def test_agrees_with_cryptography_on_random_keys_and_changes() -> None:
    rng = random.Random(8032)
    for i in range(40):
        key = Ed25519PrivateKey.from_private_bytes(rng.randbytes(32))
        public = _raw(key)
        message = rng.randbytes(rng.randrange(0, 300))
        signature = key.sign(message)
        assert ed25519_verify(public, message, signature), i
        # One changed bit anywhere: signature, message or key.
        sig = bytearray(signature)
        sig[rng.randrange(64)] ^= 1 << rng.randrange(8)
        assert not ed25519_verify(public, message, bytes(sig)), i
        if message:
            msg = bytearray(message)
            msg[rng.randrange(len(msg))] ^= 1 << rng.randrange(8)
            assert not ed25519_verify(public, bytes(msg), signature), i
        other = _raw(Ed25519PrivateKey.from_private_bytes(rng.randbytes(32)))
        assert not ed25519_verify(other, message, signature), i


def test_malleated_and_malformed_signatures_are_refused() -> None:
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    public, message = _raw(key), "Biên bản kiểm phiếu".encode()
    signature = key.sign(message)
    s = int.from_bytes(signature[32:], "little")
    # S + L verifies the same equation but is not canonical: RFC 8032 5.1.7 requires S < L.
    assert not ed25519_verify(public, message, signature[:32] + (s + L).to_bytes(32, "little"))
    assert not ed25519_verify(public, message, signature[:63])
    assert not ed25519_verify(public[:31], message, signature)
    assert not ed25519_verify(b"\xff" * 32, message, signature)  # not a point encoding (y ≥ p)
    assert not ed25519_verify(public, message, b"\x00" * 64)


def test_public_key_from_pem() -> None:
    key = Ed25519PrivateKey.generate()
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert raw_public_key(pem) == _raw(key)
    assert raw_public_key(pem.replace(b"PUBLIC", b"PRIVATE")) is None
    assert raw_public_key(b"\xff\xfe") is None
    assert raw_public_key(b"-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----\n") is None


def test_verify_py_runs_without_site_packages(tmp_path: Path) -> None:
    """Python with no site-packages at all (-I -S): cryptography cannot be imported, verify.py still checks."""
    import datetime as dt

    from vote_counter.exchange.manifest import sign_files, verifier_source

    key = Ed25519PrivateKey.generate()
    files = sign_files(
        {"KetQua.json": b'{"rounds": []}', "verify.py": verifier_source()},
        key,
        kind="entries",
        created=dt.datetime(2026, 11, 29, 21, 0).astimezone(),
        extra={},
    )
    folder = tmp_path / "goi"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    from vote_counter.services.signing import fingerprint

    fp = fingerprint(key.public_key())
    probe = subprocess.run([sys.executable, "-I", "-S", "-c", "import cryptography"], capture_output=True)
    assert probe.returncode != 0, "cryptography importable without site-packages: the check would prove nothing"
    run = subprocess.run(
        [sys.executable, "-I", "-S", str(folder / "verify.py"), str(folder), "--fingerprint", fp],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Gói kết quả toàn vẹn" in run.stdout
    (folder / "manifest.json").write_bytes((folder / "manifest.json").read_bytes().replace(b"entries", b"results"))
    run = subprocess.run(
        [sys.executable, "-I", "-S", str(folder / "verify.py"), str(folder), "--fingerprint", fp],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert run.returncode == 1 and "Chữ ký manifest.sig không đúng" in run.stdout
