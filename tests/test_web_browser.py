"""The web form in headless Chromium, on a real server: a private link answered end to end on
a phone (390x844, answers tapped) and on a desktop (1280x800, keyboard only), and again
with JavaScript turned off; axe-core finds nothing serious or critical on any page; every
page reflows at 320 CSS px with targets of at least 24 px; and no page asks anything of
another site. Screenshots land in $QUICKTEST_SCREENS when it is set (to look at them)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

import pytest

from quicktest.sources.store import Store

from .browser import Chromium
from .conftest import ROOT
from .test_invites import invite
from .test_serve import serving
from .test_web import ANSWERS

AXE = ROOT / ".venv" / "npm" / "node_modules" / "axe-core" / "axe.min.js"  # .ci/setup --dev
PHONE, DESKTOP = (390, 844), (1280, 800)
SERIOUS = ("serious", "critical")
TARGETS = "button, input:not([type=hidden]), .radio label, a.button, a.back, .change a"


@pytest.fixture
def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("Debian's chromium is not installed (.ci/setup --dev installs it)")
    return found


@pytest.fixture
def axe_source() -> str:
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (.ci/setup --dev installs it from npm)")
    return AXE.read_text()


@pytest.fixture
def screens(tmp_path) -> Path:
    folder = Path(os.environ.get("QUICKTEST_SCREENS") or tmp_path / "screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Visit:
    """One browser on the form: each page checked as it is reached."""

    def __init__(self, browser: Chromium, axe: str, screens: Path, name: str) -> None:
        self.browser, self.axe_source, self.screens, self.name = browser, axe, screens, name
        self.seen: dict[str, list[dict]] = {}  # page -> axe's findings

    async def shows(self, text: str) -> None:
        await self.browser.until(
            f"document.readyState === 'complete' && document.querySelector('main') && "
            f"document.querySelector('main').innerText.includes({json.dumps(text)})"
        )

    async def check(self, page: str, shot: bool = False, scripts_off: bool = False) -> None:
        """axe-core on the page as it stands; a screenshot of it, if asked. axe runs on
        timers, which a page without scripts does not run: they are let on for it alone
        (the page's own script, skipped as it loaded, stays unrun)."""
        if scripts_off:
            await self.browser.scripts(enabled=True)
        self.seen[page] = await self.browser.axe(self.axe_source)
        if scripts_off:
            await self.browser.scripts(enabled=False)
        if shot:
            await self.browser.screenshot(self.screens / f"{self.name}-{page}.png")

    def serious(self) -> dict[str, list[dict]]:
        return {
            page: [v for v in found if v["impact"] in SERIOUS]
            for page, found in self.seen.items()
            if any(v["impact"] in SERIOUS for v in found)
        }


async def focus_on(browser: Chromium, selector: str, most: int = 40) -> None:
    """Tab until the element focused matches `selector`, as a keyboard user does."""
    for _ in range(most):
        await browser.press("Tab")
        if await browser.evaluate(
            f"document.activeElement && document.activeElement.matches({json.dumps(selector)})"
        ):
            return
    raise AssertionError(f"Tab never reached {selector}")


def stored(db, session_id):
    with Store(db) as store:
        return store.get(session_id)


def test_a_link_answered_on_a_phone_by_tapping(tmp_path, chromium, axe_source, screens):
    db = tmp_path / "s.db"
    token, session = invite(db, "Acme Analytics", "Dana Lee, CFO")

    async def drive(base: str) -> Visit:
        async with Chromium(chromium, tmp_path / "profile") as browser:
            visit = Visit(browser, axe_source, screens, "phone")
            await browser.size(*PHONE, phone=True)
            await browser.open(f"{base}/i/{token}")
            await visit.shows("Dana Lee, CFO")
            await visit.check("start", shot=True)
            await browser.tap("a.start")
            await visit.shows("Question 1 of 7")
            await visit.check("question", shot=True)
            await browser.tap("button[value=save]")  # no answer chosen: an error
            await visit.shows("There is a problem")
            await visit.check("question-error", shot=True)
            for number, option in ANSWERS.items():
                await browser.tap(f"label[for=o-{option}]")  # a tap saves and moves on
                following = "figures" if number == 7 else f"Question {number + 1} of 7"
                await visit.shows(following)
            assert await browser.evaluate("location.pathname.endsWith('/metrics')")
            await browser.tap("#m-nrr")
            await browser.call("Input.insertText", text="111%")
            await browser.tap("#m-grr")  # leaving a field saves it and shows it as understood
            await visit.shows("= 111%")
            await browser.call("Input.insertText", text="lots")
            await browser.tap("#m-logo_retention")
            await visit.shows("Expected a percentage")
            await visit.check("figures-error", shot=True)
            await browser.evaluate("document.querySelector('#m-grr').value = ''")
            await browser.tap("#m-grr")
            await browser.call("Input.insertText", text="0.65")
            await browser.tap("button[value=continue]")
            await visit.shows("Check your answers")
            await visit.check("review", shot=True)
            await browser.tap("form[action=send] button")
            await visit.shows("Your read")
            await visit.check("read", shot=True)
            assert await browser.evaluate("!!document.querySelector('a[href=\"report.pdf\"]')")
            assert all(url.startswith(base) for url in browser.requested), browser.requested
            return visit

    with serving(db) as served:
        visit = asyncio.run(drive(served.base))
    assert visit.serious() == {}
    session = stored(db, session)
    assert len(session.answers) == 7 and session.state == "finished"
    assert dict(session.metrics) == {"nrr": 1.11, "grr": 0.65}


def test_a_link_answered_on_a_desktop_with_the_keyboard_only(
    tmp_path, chromium, axe_source, screens
):
    db = tmp_path / "s.db"
    token, session = invite(db, "Acme Analytics", "Dana Lee, CFO")

    async def drive(base: str) -> Visit:
        async with Chromium(chromium, tmp_path / "profile") as browser:
            visit = Visit(browser, axe_source, screens, "desktop")
            await browser.size(*DESKTOP, phone=False)
            await browser.open(f"{base}/i/{token}/")
            await visit.shows("Dana Lee, CFO")
            await focus_on(browser, "a.start")
            await browser.press("Enter")
            for number in ANSWERS:
                await visit.shows(f"Question {number} of 7")
                await focus_on(browser, "input[name=answer]")  # the group: its first radio
                await browser.press("ArrowDown")  # arrows choose, and never send alone
                assert await browser.evaluate(f"location.pathname.endsWith('/q{number}')")
                if number == 1:
                    await visit.check("question", shot=True)
                await focus_on(browser, "button[value=save]")
                await browser.press("Enter")
            await visit.shows("figures")
            await focus_on(browser, "#m-nrr")
            await browser.call("Input.insertText", text="1.11")
            await focus_on(browser, "button[value=continue]")
            await browser.press("Enter")
            await visit.shows("Check your answers")
            await visit.check("review", shot=True)
            await focus_on(browser, "form[action=send] button")
            await browser.press("Enter")
            await visit.shows("Your read")
            await visit.check("read", shot=True)
            return visit

    with serving(db) as served:
        visit = asyncio.run(drive(served.base))
    assert visit.serious() == {}
    session = stored(db, session)
    assert len(session.answers) == 7 and session.state == "finished"
    assert dict(session.metrics) == {"nrr": 1.11}


def test_a_link_answered_with_javascript_off(tmp_path, chromium, axe_source, screens):
    db = tmp_path / "s.db"
    token, session = invite(db, "Acme Analytics", "Dana Lee, CFO", "--hold")

    async def drive(base: str) -> Visit:
        async with Chromium(chromium, tmp_path / "profile") as browser:
            visit = Visit(browser, axe_source, screens, "nojs")
            await browser.size(*PHONE, phone=True)
            await browser.scripts(enabled=False)
            await browser.open(f"{base}/i/{token}/q1")
            for number, option in ANSWERS.items():
                await visit.shows(f"Question {number} of 7")
                await browser.tap(f"label[for=o-{option}]")
                assert await browser.evaluate(f"document.querySelector('#o-{option}').checked")
                await browser.tap("button[value=save]")
            await visit.shows("figures")
            await browser.tap("#m-arr")
            await browser.call("Input.insertText", text="$1.2M")
            await browser.tap("button[value=save]")
            await visit.shows("= 1.2M")
            await visit.check("figures", shot=True, scripts_off=True)
            await browser.tap("button[value=continue]")
            await visit.shows("Check your answers")
            await browser.tap("form[action=send] button")
            await visit.shows("Thank you")  # the read is held for the debrief
            await visit.check("thanks", shot=True, scripts_off=True)
            return visit

    with serving(db) as served:
        visit = asyncio.run(drive(served.base))
    assert visit.serious() == {}
    session = stored(db, session)
    assert len(session.answers) == 7 and dict(session.metrics) == {"arr": 1.2e6}


def test_every_page_reflows_at_320_px_with_targets_of_24_px(tmp_path, chromium, axe_source):
    db = tmp_path / "s.db"
    token, _ = invite(db, "An Unusually Long Client Name Incorporated", "Dana Lee, CFO")
    pages = ("", "q1", "q4", "metrics", "review", "read")
    measure = (
        "({wide: document.documentElement.scrollWidth, small: [...document.querySelectorAll("
        f"{json.dumps(TARGETS)})].filter(e => e.getClientRects().length).map(e => "
        "e.getBoundingClientRect()).filter(r => r.width < 24 || r.height < 24).length})"
    )

    async def drive(base: str) -> dict:
        found = {}
        async with Chromium(chromium, tmp_path / "profile") as browser:
            await browser.size(320, 640, phone=True)
            for page in [*(f"/i/{token}/{p}" for p in pages), "/open/", "/i/nothing/"]:
                await browser.open(base + page)
                await browser.until("document.readyState === 'complete'")
                found[page] = await browser.evaluate(measure)
                serious = [v for v in await browser.axe(axe_source) if v["impact"] in SERIOUS]
                if serious:
                    found[page]["axe"] = serious
        return found

    with serving(db, "--open") as served:
        found = asyncio.run(drive(served.base))
    assert {page: m for page, m in found.items() if m != {"wide": 320, "small": 0}} == {}
