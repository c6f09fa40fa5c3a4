"""The process's entry point (`quicktest`, `python -m quicktest`).

A command starts by loading some hundred modules, which make many objects and no garbage;
Python's collector would walk them again and again as they come (a tenth of start-up). Its
first threshold is raised before they load: the process still collects, only less often.
"""

from __future__ import annotations

import gc

YOUNG = 20_000  # objects made before a young collection, where Python's default is 700


def entry() -> None:
    gc.set_threshold(YOUNG, *gc.get_threshold()[1:])
    from quicktest.faces.cli.main import entry as run

    run()
