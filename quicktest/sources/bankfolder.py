"""A question bank folder: its four files, read as bytes and as text, and the digest that
says which exact bank they are."""

from __future__ import annotations

import os

from quicktest.domain.errors import InputError, InputErrors

try:  # the built-in SHA-256: hashlib would first load OpenSSL, 4 ms of every start-up
    from _sha256 import sha256
except ImportError:  # pragma: no cover - other Python builds
    from hashlib import sha256

FILES = ("bank.yaml", "questions.yaml", "patterns.yaml", "benchmarks.yaml")


def read_folder(folder: str) -> dict[str, bytes]:
    if not os.path.isdir(folder):
        raise InputErrors([InputError("no such question bank folder", folder)])
    contents: dict[str, bytes] = {}
    errors = []
    for name in FILES:
        path = os.path.join(folder, name)
        try:
            with open(path, "rb") as handle:
                contents[name] = handle.read()
        except FileNotFoundError:
            errors.append(
                InputError("no such file (a bank folder holds " + ", ".join(FILES) + ")", path)
            )
        except IsADirectoryError:
            errors.append(InputError("is a folder, expected a file", path))
        except OSError as exc:
            errors.append(InputError(f"cannot be read: {exc.strerror}", path))
    if errors:
        raise InputErrors(errors)
    return contents


def digest_of(contents: dict[str, bytes]) -> str:
    """Which exact bank this is: a hash of its files' names and bytes."""
    h = sha256()
    for name in FILES:
        h.update(f"{name}\0{len(contents[name])}\0".encode())
        h.update(contents[name])
    return h.hexdigest()


def texts_of(contents: dict[str, bytes], folder: str) -> dict[str, str]:
    texts, errors = {}, []
    for name, raw in contents.items():
        try:
            texts[name] = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            errors.append(
                InputError(f"not UTF-8 text (byte {exc.start})", os.path.join(folder, name))
            )
    if errors:
        raise InputErrors(errors)
    return texts
