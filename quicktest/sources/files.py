"""Files in and out: a fault reading one named in a single InputError, and writing files
whole or not at all (into a temporary file in the same folder, then renamed over the target,
so a failure (a full disk, a render that raises) leaves what was there)."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import IO, Any

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


# Errors that mean the disk (or the user's share of it, or a size limit) is full.
_FULL = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "your disk quota is used up"}
_FULL[errno.EFBIG] = "the file is larger than this disk or a limit allows"


def _write_error(exc: OSError, target: str) -> InputError:
    full = _FULL.get(exc.errno or 0)
    if full:
        return InputError(
            f"cannot write: {full}; nothing was written (free some space, or write elsewhere)",
            target,
        )
    return InputError(f"cannot write: {exc.strerror}", target)


@contextmanager
def whole_file(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO[Any]]:
    """A file written in as many steps as need be that appears at `path` whole or not at all.

    Yields a temporary file in the target's folder (text mode "w" is UTF-8); when the block
    ends without error it is closed and renamed over `path` (taking the old file's
    permissions); on any error it is removed and what was at `path` stays as it was. A full
    disk, a used-up quota or a file-size limit while writing, and any fault of our own
    closing or renaming, become one InputError naming `path`.
    """
    import tempfile  # here, not above: `reading` is on every command's start-up path

    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".quicktest-", suffix=".part")
    except OSError as exc:
        raise _write_error(exc, target) from None
    handle = os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8")
    try:
        try:
            yield handle
        except OSError as exc:
            if exc.errno in _FULL:
                raise _write_error(exc, target) from None
            raise
        try:
            handle.close()  # flushes the last of it: a full disk may show only now
            _keep_mode(temporary, target)
            os.replace(temporary, target)
        except OSError as exc:
            raise _write_error(exc, target) from None
    except BaseException:
        with suppress(OSError):
            handle.close()
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _keep_mode(temporary: str, target: str) -> None:
    """The new file gets the permissions of the one it replaces, else the usual ones."""
    if os.path.exists(target):
        os.chmod(temporary, os.stat(target).st_mode & 0o777)
    else:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)


def write_whole(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Write `data` (text as UTF-8) to `path` whole or not at all (see `whole_file`)."""
    with whole_file(path) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)


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
