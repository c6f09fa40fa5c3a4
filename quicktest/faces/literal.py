"""A user's or a bank's text shown as written, on the line it belongs to: control
characters (an escape sequence, a line break, a right-to-left override hidden in a name)
written out as Python writes them, never obeyed. Shared by the faces that draw in a
terminal (the text read and the app), which may not import each other."""

from __future__ import annotations

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def literal(text: str) -> str:
    """`text` with every character that is not printable written out (\\n, \\x1b, \\u202e)."""
    return "".join(c if c.isprintable() else _escaped(c) for c in text)


def _escaped(c: str) -> str:
    if c in _NAMED:
        return _NAMED[c]
    code = ord(c)
    return (
        f"\\x{code:02x}"
        if code <= 0xFF
        else f"\\u{code:04x}"
        if code <= 0xFFFF
        else f"\\U{code:08x}"
    )
