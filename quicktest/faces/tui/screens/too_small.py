"""Shown over everything while the terminal is smaller than the app can lay out calmly."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widgets import Static

# The smallest terminal on which every screen fits without clipping a question or an option.
MIN_SIZE = Size(70, 20)


def too_small_message(size: Size) -> str:
    return (
        f"The terminal is {size.width}×{size.height}.\n"
        f"quicktest needs at least {MIN_SIZE.width}×{MIN_SIZE.height}:\n"
        "make the window larger to go on.\n\n"
        "Your answers so far are saved.\n"
        "Ctrl+Q quits."
    )


def fits(size: Size) -> bool:
    return size.width >= MIN_SIZE.width and size.height >= MIN_SIZE.height


class TooSmallScreen(ModalScreen[None]):
    def __init__(self, size: Size) -> None:
        super().__init__()
        self.message = Static(too_small_message(size), id="too-small")

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield self.message

    def show(self, size: Size) -> None:
        self.message.update(too_small_message(size))
