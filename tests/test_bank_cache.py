"""The bank cache: used when the files are unchanged, rebuilt when it is stale or damaged,
and never needed (a read-only cache folder just means no cache)."""

from __future__ import annotations

import os
import sys

import pytest

from quicktest.sources import bankfile
from quicktest.sources.bank import load_bank

from .conftest import QUESTIONS


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("QUICKTEST_CACHE", str(folder))
    return folder


def _cached_files(cache):
    return sorted((cache / "banks").glob("*.json"))


def _no_validation(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("validated again although the cache was good")

    monkeypatch.setattr(bankfile, "validate_bank", refuse)


def test_a_second_load_comes_from_the_cache_and_is_the_same_bank(cache, monkeypatch):
    first = load_bank(QUESTIONS)
    assert len(_cached_files(cache)) == 1
    _no_validation(monkeypatch)
    second = load_bank(QUESTIONS)
    assert second == first
    assert second.digest == first.digest


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # cut short
        lambda raw: raw.replace(b"Borrowed NRR", b"Borrowed XYZ"),  # edited
        lambda raw: b"not json at all",
        lambda raw: b"",
    ],
)
def test_a_damaged_cache_is_rebuilt_never_trusted(cache, damage):
    expected = load_bank(QUESTIONS)
    (cached,) = _cached_files(cache)
    cached.write_bytes(damage(cached.read_bytes()))
    assert load_bank(QUESTIONS) == expected
    assert b"Borrowed NRR" in cached.read_bytes()  # written anew


def test_a_cache_of_another_shape_with_a_good_checksum_is_rebuilt(cache):
    from quicktest.sources.bank import sha256

    expected = load_bank(QUESTIONS)
    (cached,) = _cached_files(cache)
    payload = b'{"info": {"id": "x"}}'
    cached.write_bytes(sha256(payload).hexdigest().encode() + b"\n" + payload)
    assert load_bank(QUESTIONS) == expected


def test_a_changed_bank_file_is_validated_again(cache, bank_copy):
    load_bank(bank_copy)
    questions = bank_copy / "questions.yaml"
    questions.write_text(questions.read_text().replace("Who or what", "Who, or what,"))
    bank = load_bank(bank_copy)
    assert bank.questions[0].prompt.startswith("Who, or what,")
    assert len(_cached_files(cache)) == 2


def test_an_invalid_bank_is_refused_even_when_an_old_version_was_cached(cache, bank_copy, cli):
    assert cli("validate", bank_copy).code == 0
    (bank_copy / "bank.yaml").write_text("id: [not, an, id]\n")
    result = cli("score", "--questions", bank_copy, QUESTIONS.parent / "examples/healthy.yaml")
    assert result.code == 2 and "bank.yaml" in result.err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_cache_folder_means_no_cache(cache, monkeypatch):
    cache.mkdir()
    cache.chmod(0o500)
    try:
        assert load_bank(QUESTIONS).id == "saas_revenue_quick_test"
        assert not (cache / "banks").exists()
    finally:
        cache.chmod(0o700)


def test_an_unwritable_cache_path_means_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("QUICKTEST_CACHE", str(blocker))  # a file where the folder should be
    assert load_bank(QUESTIONS).id == "saas_revenue_quick_test"


def test_an_empty_cache_setting_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("QUICKTEST_CACHE", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_bank(QUESTIONS)
    assert not (tmp_path / "xdg").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is Linux's")
@pytest.mark.parametrize("xdg", [None, "/tmp/xdg-cache-test"])
def test_the_cache_folder_is_platformdirs_answer(monkeypatch, xdg):
    from platformdirs import user_cache_dir as platform_cache_dir

    from quicktest.sources.locations import user_cache_dir

    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert user_cache_dir() == platform_cache_dir("quicktest", appauthor=False)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is Linux's")
@pytest.mark.parametrize("xdg", [None, "/tmp/xdg-data-test"])
def test_the_store_folder_is_platformdirs_answer(monkeypatch, xdg):
    from platformdirs import user_data_dir

    from quicktest.sources.locations import default_store_path

    monkeypatch.delenv("QUICKTEST_DB", raising=False)
    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
    expected = os.path.join(user_data_dir("quicktest", appauthor=False), "sessions.db")
    assert default_store_path() == expected
