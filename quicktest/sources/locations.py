"""Where things live: the shipped question bank and templates, and the user's session store.

Plain `os.path` strings: `pathlib` costs start-up time that `quicktest score` cannot spare.
"""

from __future__ import annotations

import os
import re
import sys

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _shipped(name: str) -> str:
    """A folder shipped with quicktest: inside the wheel, or at the top of a source checkout."""
    inside = os.path.join(_PACKAGE, "_shipped", name)
    return inside if os.path.isdir(inside) else os.path.join(os.path.dirname(_PACKAGE), name)


def questions_dir(override: str | None = None) -> str:
    """The question bank: --questions, else $QUICKTEST_QUESTIONS, else the shipped bank."""
    return override or os.environ.get("QUICKTEST_QUESTIONS") or _shipped("questions")


def templates_dir() -> str:
    return os.path.join(_shipped("reports"), "templates")


def cache_dir(part: str) -> str | None:
    """A folder of quicktest's cache (validated banks, compiled templates): under
    $QUICKTEST_CACHE, else the user cache folder; None when QUICKTEST_CACHE is empty."""
    root = os.environ.get("QUICKTEST_CACHE")
    if root is None:
        root = user_cache_dir()
    return os.path.join(root, part) if root else None  # QUICKTEST_CACHE="" turns it off


def user_cache_dir() -> str:
    """quicktest's folder in the user cache: platformdirs' answer. On Linux its rule
    ($XDG_CACHE_HOME, else ~/.cache) is applied here directly, because importing platformdirs
    there costs 30 ms of every start-up (it brings tempfile and random with it); a test holds
    the two to the same answer."""
    if sys.platform == "linux":
        root = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
        return os.path.join(root, "quicktest")
    from platformdirs import user_cache_dir as platform_cache_dir

    return platform_cache_dir("quicktest", appauthor=False)


def user_config_dir() -> str:
    """quicktest's folder in the user config: $XDG_CONFIG_HOME (else ~/.config) on Linux."""
    if sys.platform == "linux":
        root = os.environ.get("XDG_CONFIG_HOME", "").strip() or os.path.expanduser("~/.config")
        return os.path.join(root, "quicktest")
    from platformdirs import user_config_dir as platform_config_dir

    return platform_config_dir("quicktest", appauthor=False)


def brand_folder(flag: str | None) -> str | None:
    """The brand to use: --brand, else $QUICKTEST_BRAND, else `brand` in the user config
    folder when there is one; None for none."""
    if flag:
        return flag
    chosen = os.environ.get("QUICKTEST_BRAND", "").strip()
    if chosen:
        return chosen
    default = os.path.join(user_config_dir(), "brand")
    return default if os.path.isfile(os.path.join(default, "brand.yaml")) else None


def default_store_path() -> str:
    """The session store: $QUICKTEST_DB, else sessions.db in the user data folder."""
    chosen = os.environ.get("QUICKTEST_DB")
    if chosen:
        return chosen
    if sys.platform == "linux":  # platformdirs' rule, without its import (see user_cache_dir)
        root = os.environ.get("XDG_DATA_HOME", "").strip() or os.path.expanduser("~/.local/share")
        return os.path.join(root, "quicktest", "sessions.db")
    from platformdirs import user_data_dir

    return os.path.join(user_data_dir("quicktest", appauthor=False), "sessions.db")


SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server_url(location: str) -> bool:
    """Whether a store location names a PostgreSQL server rather than a file."""
    return location.startswith(SERVER_SCHEMES)


# scheme://user:password@host...: to the last "@", so that a password holding one is hidden
_USER_PASSWORD = re.compile(r"^([^:/?#]+://[^:/?#@]*):(.*)@")


def passwords_in(location: str) -> set[str]:
    """The passwords a store URL holds (in its user part or as ?password=), as written and
    decoded; read without a URL parser, which would refuse a URL libpq may quote back."""
    from urllib.parse import unquote

    found = _USER_PASSWORD.match(location)
    given = [found.group(2)] if found else []
    query = location.partition("?")[2]
    given += [p.partition("=")[2] for p in query.split("&") if p.lower().startswith("password=")]
    return {form for value in given if value for form in (value, unquote(value))}


def shown_location(location: str) -> str:
    """A store location as a message may show it: a URL without its password, whether in
    its user part (user:secret@host) or among its parameters (?password=secret)."""
    if "://" not in location:
        return location
    shown = _USER_PASSWORD.sub(r"\1@", location)
    base, mark, query = shown.partition("?")
    kept = [p for p in query.split("&") if not p.lower().startswith("password=")]
    return f"{base}{mark}{'&'.join(kept)}" if any(kept) else base
