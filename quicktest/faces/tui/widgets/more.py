"""Lists and panes that scroll and say so: while anything lies below (or above) what is shown,
their bottom border says "▼ more below" (or "▲ more above"), in words a projector and a
monochrome terminal show alike, beside the scrollbar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import VerticalScroll
from textual.widgets import OptionList

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:  # a plain mixin: Textual takes a widget's styles from its first base that is a widget
    _Base = object


class ShowsMore(_Base):
    """Keeps a scrolling widget's border subtitle saying whether there is more to scroll to.
    The widget needs a bottom border (its screen's stylesheet gives it one)."""

    def on_mount(self) -> None:
        self.watch(self, "scroll_y", self.show_more, init=False)
        self.watch(self, "virtual_size", self.show_more)

    def on_resize(self) -> None:
        self.show_more()

    def show_more(self, *_: object) -> None:
        above = round(self.scroll_y) > 0
        below = round(self.scroll_y) < self.max_scroll_y
        if above and below:
            cue = "▲▼ more above and below"
        elif below:
            cue = "▼ more below"
        elif above:
            cue = "▲ more above"
        else:
            cue = ""
        self.border_subtitle = cue


class ScrollingList(ShowsMore, OptionList):
    """An option list that says when it holds more than it shows, and whose rows keep every
    line when its scrollbar comes or goes."""

    def watch_show_vertical_scrollbar(self) -> None:
        """The scrollbar changes the width rows wrap to, with no resize to say so: wrap them
        anew (an option list keeps the old wrapping, and a row that now takes one line more
        would be drawn without its last)."""
        self._clear_caches()
        self.scroll_to_highlight()


class ScrollingPane(ShowsMore, VerticalScroll):
    """A scrolling pane that says when it holds more than it shows."""
