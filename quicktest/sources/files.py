"""Writing files whole or not at all: into a temporary file in the same folder, then renamed
over the target, so a failure (a full disk, a render that raises) leaves what was there."""

from __future__ import annotations

import os
import tempfile

from quicktest.domain.errors import InputError


def write_whole(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Write `data` (text as UTF-8) to `path` atomically; an OSError becomes an InputError
    naming the file."""
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
