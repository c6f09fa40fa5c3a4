"""Files in and out: a fault reading one named in a single InputError, and writing files
whole or not at all (into a temporary file in the same folder, then renamed over the target,
so a failure (a full disk, a render that raises) leaves what was there)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from quicktest.domain.errors import InputError


@contextmanager
def reading(path: str | os.PathLike[str], expected: str = "a file") -> Iterator[None]:
    """Turn what goes wrong while reading `path` into one InputError naming it."""
    try:
        yield
    except FileNotFoundError:
        raise InputError("no such file", str(path)) from None
    except IsADirectoryError:
        raise InputError(f"is a folder, expected {expected}", str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", str(path)) from None


def write_whole(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Write `data` (text as UTF-8) to `path` atomically; an OSError becomes an InputError
    naming the file."""
    import tempfile  # here, not above: `reading` is on every command's start-up path

    target = os.fspath(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    folder = os.path.dirname(os.path.abspath(target))
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".quicktest-", suffix=".part")
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", target) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
        if os.path.exists(target):
            os.chmod(temporary, os.stat(target).st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except OSError as exc:
        os.unlink(temporary)
        raise InputError(f"cannot write: {exc.strerror}", target) from None
    except BaseException:
        os.unlink(temporary)
        raise


def _same(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_output(path: str | os.PathLike[str], flag: str, protected: list[str]) -> None:
    """Refuse, before any work is done, an output path that cannot be written or that names
    a file this command reads or the session store (`protected`): nothing is ever written
    over the store or over an input. Raises InputError naming the flag."""
    target = os.fspath(path)
    if not target.strip():
        raise InputError("expected a file name, got an empty path", field=flag)
    if os.path.isdir(target):
        raise InputError("is a folder, expected a file name", target, field=flag)
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise InputError(f"the folder {folder} does not exist", target, field=flag)
    if not os.access(folder, os.W_OK) or (
        os.path.exists(target) and not os.access(target, os.W_OK)
    ):
        raise InputError("cannot be written (no permission)", target, field=flag)
    for kept in protected:
        if _same(target, kept):
            raise InputError(
                "is a file this command reads or the session store; it is never written "
                "over: choose another output name",
                target,
                field=flag,
            )
