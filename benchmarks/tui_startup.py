"""Time to the first question on screen: quicktest's app against a bare Textual app that
shows one static question, each a whole headless process, in one run."""

from __future__ import annotations

import os
import tempfile

from timing import PYTHON, ROOT, interleaved, prepare, process, report

OURS = """
import sys
from quicktest.app.workspace import Workspace
from quicktest.faces.tui.app import QuickTestApp
from quicktest.faces.tui.screens.question import QuestionScreen

async def first_question(pilot):
    while not isinstance(pilot.app.screen, QuestionScreen):
        await pilot.pause(0.001)
    await pilot.pause()
    pilot.app.exit()

app = QuickTestApp(Workspace(db=sys.argv[1]), client="Bench")
app.run(headless=True, size=(80, 24), auto_pilot=first_question)
"""

BARE = """
from textual.app import App
from textual.widgets import Footer, Header, OptionList, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("Who or what sets off most of your revenue events?")
        yield OptionList("1. A person", "2. Mostly people", "3. About half", "4. The product")
        yield Footer()

async def first_question(pilot):
    await pilot.pause()
    pilot.app.exit()

Bare().run(headless=True, size=(80, 24), auto_pilot=first_question)
"""


def main() -> list[dict]:
    prepare()
    with tempfile.TemporaryDirectory() as folder:
        ours, bare = interleaved(
            process(
                [PYTHON, "-c", OURS, f"{folder}/s.db"], env={**os.environ, "PYTHONPATH": str(ROOT)}
            ),
            process([PYTHON, "-c", BARE]),
            repeat=15,
        )
    return [
        report(
            "first question on screen (quicktest run --client)",
            ours,
            "bare Textual app with one static question",
            bare,
        )
    ]


if __name__ == "__main__":
    main()
