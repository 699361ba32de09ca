"""The pseudonym key: what links a study pseudonym to the code in the study's files, kept apart.

A participant's code (`SU-101`: whoever holds the consent forms can name the person) is never
stored in the database as it is. The participant row keeps two values made with a secret key
that lives in a file outside the database (`ALONGSIDE_PSEUDONYM_KEY_FILE`):

* a keyed digest (HMAC-SHA256 of the normalised code), equal for equal codes, that imports,
  paper entry, speaker matching and subject look-up compare, and that the per-study uniqueness
  constraint holds; without the key nobody can test a guessed code against it;
* the code sealed with Fernet (AES-128 in CBC mode with an HMAC-SHA256 tag), which only the key
  opens, for the few who may read it (evaluation.access.open_codes_for_user).

Codes are normalised before they are digested: Unicode NFC, outer spaces removed, case folded,
so `su-101 ` and `SU-101` are the same person (the sealed copy keeps the code as first given).

The key is one Fernet key, base64 on one line. Outside production it is created on first use,
readable by its owner only, unless participants already exist: a new key would not open their
codes, so that is an error, as a missing key always is in production
(docs/decisions/0009-pseudonym-key.md says how to create, back up and restore it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TypeVar

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

K = TypeVar("K")
# Labels the digest key apart from the sealing key, both derived from the one key in the file.
DIGEST_CONTEXT = b"alongside participant code digest v1"
DIGEST_LENGTH = 64


class PseudonymKeyError(RuntimeError):
    """The key is missing, unreadable or not the one the stored codes were sealed with."""


def normalise(code: str) -> str:
    """The form of a code that digests compare: NFC, no outer spaces, case folded."""
    return unicodedata.normalize("NFC", code.strip()).casefold()


class KeyRing:
    """The pseudonym key, loaded: digests, seals and opens participant codes."""

    def __init__(self, key: bytes, path: Path) -> None:
        self.path = path
        try:
            self._fernet = Fernet(key)
            raw = base64.urlsafe_b64decode(key)
        except (ValueError, binascii.Error) as error:
            raise PseudonymKeyError(
                f"The pseudonym key file {path} does not hold a pseudonym key (one line made by "
                "`alongside pseudonym_key create`)."
            ) from error
        self._digest_key = hmac.new(raw, DIGEST_CONTEXT, hashlib.sha256).digest()

    def digest(self, code: str) -> str:
        """The keyed digest of a code (64 hexadecimal characters)."""
        return hmac.new(
            self._digest_key, normalise(code).encode("utf-8"), hashlib.sha256
        ).hexdigest()

    def seal(self, code: str) -> str:
        """The code encrypted and authenticated with the key (ASCII text)."""
        return self._fernet.encrypt(code.encode("utf-8")).decode("ascii")

    def unseal(self, sealed: str) -> str:
        """The code a `seal` holds; PseudonymKeyError when this key did not seal it."""
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as error:
            raise PseudonymKeyError(
                f"The pseudonym key in {self.path} does not open the stored participant codes: "
                "it is not the key they were sealed with. Restore that key file from its backup."
            ) from error

    def unseal_all(self, sealed: Mapping[K, str]) -> dict[K, str]:
        return {key: self.unseal(value) for key, value in sealed.items()}

    def digests(self, codes: Iterable[str]) -> dict[str, str]:
        """Each code's digest, by code."""
        return {code: self.digest(code) for code in codes}


_rings: dict[Path, KeyRing] = {}
_lock = threading.Lock()


def key_path() -> Path:
    return Path(settings.ALONGSIDE_PSEUDONYM_KEY_FILE)


def missing_message(path: Path) -> str:
    return (
        f"The pseudonym key file {path} is missing. Restore it from its backup (it is never in "
        "a database backup); on a new installation with no study participants yet, create it "
        "with `alongside pseudonym_key create` and back it up apart from the database."
    )


def read_key(path: Path) -> KeyRing:
    """The key in `path`; PseudonymKeyError when it is missing or not a key."""
    try:
        text = path.read_bytes().strip()
    except FileNotFoundError as error:
        raise PseudonymKeyError(missing_message(path)) from error
    except OSError as error:
        raise PseudonymKeyError(
            f"The pseudonym key file {path} cannot be read: {error.strerror}."
        ) from error
    return KeyRing(text, path)


def create_key_file(path: Path) -> KeyRing:
    """Write a new key to `path`, readable by its owner only; refuses to replace a file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Fernet.generate_key()
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise PseudonymKeyError(
            f"{path} already exists: a pseudonym key is never replaced (the codes sealed with "
            "it could no longer be opened)."
        ) from error
    with os.fdopen(handle, "wb") as file:
        file.write(key + b"\n")
        file.flush()
        os.fsync(file.fileno())
    return KeyRing(key, path)


def _participants_exist() -> bool:
    from alongside.evaluation.models import Participant

    return Participant.objects.exists()


def keyring() -> KeyRing:
    """The configured key, read once per process.

    Outside production a missing key file is created, unless participants already exist.
    """
    path = key_path()
    ring = _rings.get(path)
    if ring is not None:
        return ring
    with _lock:
        ring = _rings.get(path)
        if ring is not None:
            return ring
        if not path.exists() and not settings.PRODUCTION and not _participants_exist():
            try:
                ring = create_key_file(path)
            except PseudonymKeyError:  # another process made it first
                ring = read_key(path)
        else:
            ring = read_key(path)
        _rings[path] = ring
    return ring


def forget() -> None:
    """Drop the keys read so far (after the key file changed, and in tests)."""
    with _lock:
        _rings.clear()


def digest(code: str) -> str:
    """The keyed digest of one code, with the configured key."""
    return keyring().digest(code)
