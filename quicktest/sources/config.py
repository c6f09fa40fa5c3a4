"""The user's settings: `config.yaml` in the user config folder (`~/.config/quicktest/` on
Linux), optional; each setting has its default without it, and a command's option wins.

    portfolio:
      min_clients: 10   # clients a portfolio needs before a client's place among them shows
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NamedTuple

from quicktest.domain.errors import did_you_mean
from quicktest.domain.portfolio import MIN_CLIENTS
from quicktest.sources.locations import user_config_dir
from quicktest.sources.yamlfile import load_yaml

KEYS = {"portfolio": ("min_clients",)}


class Config(NamedTuple):
    min_clients: int = MIN_CLIENTS


def config_path() -> str:
    return os.path.join(user_config_dir(), "config.yaml")


def load_config(path: str | None = None) -> Config:
    """The settings in the user's config file, checked: an unknown key or a bad value is an
    InputError at its file, line and column."""
    path = path or config_path()
    if not os.path.isfile(path):
        return Config()
    located = load_yaml(path)
    data = located.data if located.data is not None else {}
    if not isinstance(data, Mapping):
        raise located.error((), "expected a mapping such as portfolio: {min_clients: 10}")
    for section, values in data.items():
        if section not in KEYS:
            raise located.error((section,), f"unknown key {section!r}", did_you_mean(section, KEYS))
        if not isinstance(values, Mapping):
            raise located.error((section,), "expected a mapping of settings")
        for key in values:
            if key not in KEYS[section]:
                hint = did_you_mean(key, KEYS[section])
                raise located.error((section, key), f"unknown key {key!r}", hint)
    found = (data.get("portfolio") or {}).get("min_clients", MIN_CLIENTS)
    if isinstance(found, bool) or not isinstance(found, int) or found < 1:
        raise located.error(
            ("portfolio", "min_clients"),
            f"expected a whole number of clients from 1, got {found!r}",
        )
    return Config(found)
