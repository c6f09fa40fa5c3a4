"""Loading a question bank: from the cache when its files are unchanged, else validated.

The cache lives in the user cache folder, one JSON file per bank content, named by a hash
of the four files' bytes and the quicktest version. Its first line is the hash of the rest,
so a file cut short or edited is noticed and rebuilt, never trusted; a cache folder that
cannot be written just means no cache. JSON, not pickle: reading a cache can run no code.
"""

from __future__ import annotations

import json
import os
from typing import Any

from quicktest import __version__
from quicktest.domain.bank import Bank
from quicktest.sources.bankfolder import digest_of, read_folder, texts_of

try:  # the built-in SHA-256: hashlib would first load OpenSSL, 4 ms of every start-up
    from _sha256 import sha256
except ImportError:  # pragma: no cover - other Python builds
    from hashlib import sha256

CACHE_FORMAT = "3"  # the shape of the cached data: bumped when Bank.from_data reads more


def _validate(contents: dict[str, bytes], folder: str) -> dict[str, Any]:
    from pathlib import Path

    from quicktest.sources.bankfile import validate_bank  # pydantic loads here only

    return validate_bank(texts_of(contents, folder), Path(folder))


def load_bank(folder: str | os.PathLike[str], use_cache: bool = True) -> Bank:
    """The bank in `folder`, from the cache when its files are unchanged since they were
    last validated (`use_cache=False` validates them again); raises InputErrors listing
    every problem of a bank that is not valid."""
    folder = os.fspath(folder)
    contents = read_folder(folder)
    digest = digest_of(contents)
    cache = _cache_file(digest)
    data = _from_cache(cache) if cache and use_cache else None
    if data is not None:
        try:
            return Bank.from_data(data, folder, digest)
        except (KeyError, TypeError, ValueError, AttributeError, StopIteration):
            pass  # a cache of another shape: rebuilt below
    data = _validate(contents, folder)
    bank = Bank.from_data(data, folder, digest)
    if cache:
        _write_cache(cache, data)
    return bank


def _cache_file(digest: str) -> str | None:
    from quicktest.sources.locations import cache_dir

    folder = cache_dir("banks")
    if folder is None:
        return None
    key = sha256(f"{digest}\0{__version__}\0{CACHE_FORMAT}".encode()).hexdigest()
    return os.path.join(folder, f"{key[:32]}.json")


def _from_cache(path: str) -> dict[str, Any] | None:
    """The cached data, or None when missing, unreadable, cut short or edited."""
    try:
        with open(path, "rb") as handle:
            check, _, payload = handle.read().partition(b"\n")
        if sha256(payload).hexdigest().encode() != check:
            return None
        data = json.loads(payload)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_cache(path: str, data: dict[str, Any]) -> None:
    """Write the cache whole or not at all; any failure just means no cache."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    import tempfile  # only on a cache miss

    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".bank-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(sha256(payload).hexdigest().encode() + b"\n" + payload)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass
