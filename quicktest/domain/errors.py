"""The one input-error type: a place (file, line, column, field), what is wrong, and a hint."""

from __future__ import annotations

from collections.abc import Iterable


class InputError(Exception):
    """Bad input from a user or a file, shown once by the face that read it (exit status 2)."""

    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.file, self.line, self.column = message, file, line, column
        self.field, self.hint = field, hint

    def __str__(self) -> str:
        place = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        text = self.message if not self.field else f"{self.field}: {self.message}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return f"{place}: {text}" if place else text


class InputErrors(Exception):
    """Several input errors found in one pass (a question bank reports all of them at once)."""

    def __init__(self, errors: list[InputError]) -> None:
        super().__init__(errors)
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class SetupError(Exception):
    """The machine lacks something quicktest needs (a system library): not the input's fault,
    so exit status 1, but with one message that says what to install instead of a traceback."""


def did_you_mean(word: object, choices: Iterable[str]) -> str | None:
    """A 'did you mean X?' hint for the closest choice, or None when nothing is close."""
    import difflib  # only on the error path: it is slow to import

    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]}?" if close else None
