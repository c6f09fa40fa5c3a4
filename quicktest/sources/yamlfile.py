"""Safe YAML loading that refuses duplicate keys and remembers where every value stands."""

from __future__ import annotations

import os
from typing import Any

import yaml

from quicktest.domain.errors import InputError
from quicktest.sources.files import reading

Path_ = tuple[str | int, ...]


class Located:
    """Data loaded from a file, with the line and column of each value by its path."""

    __slots__ = ("data", "file", "marks", "written")

    def __init__(
        self,
        data: Any,
        file: str,
        marks: dict[Path_, tuple[int, int]],
        written: dict[Path_, str] | None = None,
    ) -> None:
        self.data, self.file, self.marks = data, file, marks
        # each unquoted scalar as it was typed, before YAML 1.1 read it as a number, a
        # boolean or a time (0755 -> 493, 2:45 -> 165, yes -> True)
        self.written = written or {}

    def as_written(self, path: Path_, value: Any) -> Any:
        """A scalar as typed when YAML turned it into something else; else the value."""
        if isinstance(value, bool | int | float) and path in self.written:
            return self.written[path]
        return value

    def error(self, path: Path_, message: str, hint: str | None = None) -> InputError:
        """An InputError placed at the deepest known point along `path`."""
        line, column = self.locate(path)
        field = ".".join(str(p) for p in path) or None
        return InputError(message, self.file, line, column, field, hint)

    def locate(self, path: Path_) -> tuple[int | None, int | None]:
        for end in range(len(path), -1, -1):
            if path[:end] in self.marks:
                return self.marks[path[:end]]
        return None, None


# libyaml's parser when PyYAML was built with it: several times faster on the bank.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_Base):
    """SafeLoader that raises on a key given twice in one mapping (PyYAML keeps the last)."""

    file = ""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                mark = key_node.start_mark
                raise InputError(
                    f"duplicate key {key!r} (first given on line {seen[key]})",
                    self.file,
                    mark.line + 1,
                    mark.column + 1,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        """An integer; one of thousands of digits, which Python refuses to convert (and no
        figure has), is refused at its place."""
        try:
            return int(super().construct_yaml_int(node))
        except ValueError:
            raise InputError(
                f"a number of {len(node.value):,} characters is past any real figure",
                self.file,
                *_mark(node),
            ) from None


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_yaml_int)
# Dates stay strings: an answers file's date is checked as ISO text, not turned into a date.
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_str)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


# No file of ours nests this deep; a hostile one must not exhaust the stack.
MAX_DEPTH = 40


def _collect_marks(
    node: yaml.Node,
    path: Path_,
    marks: dict[Path_, tuple[int, int]],
    written: dict[Path_, str],
    file: str,
    seen: set[int] | None = None,
) -> None:
    """Note where each value stands, refusing aliases and too deep nesting.

    An alias (`*name`) makes the same node appear at several paths; a few nested ones expand
    to billions of values (the "billion laughs"), so they are refused outright.
    """
    if seen is None:
        seen = set()  # the collections met so far: meeting one again means an alias
    if id(node) in seen:
        raise InputError(
            "anchors and aliases (&name, *name) are not supported; write the value out",
            file,
            *marks.get(path[:-1], (None, None)),
            ".".join(map(str, path)) or None,
        )
    if len(path) > MAX_DEPTH:
        raise InputError(f"nested more than {MAX_DEPTH} levels deep", file, *_mark(node))
    marks[path] = _mark(node)
    if isinstance(node, yaml.ScalarNode) and not node.style:  # plain: None, or "" from libyaml
        written[path] = node.value
    if isinstance(node, yaml.MappingNode):
        seen.add(id(node))
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):  # `? [a, b]`: a list as a key
                raise InputError(
                    "expected a name before ':', got a list or mapping as a key",
                    file,
                    *_mark(key_node),
                )
            child = (*path, key_node.value)
            _collect_marks(value_node, child, marks, written, file, seen)
            if isinstance(value_node, (yaml.MappingNode, yaml.SequenceNode)):
                marks[child] = _mark(key_node)  # a nested block is best pointed at by its key
    elif isinstance(node, yaml.SequenceNode):
        seen.add(id(node))
        for index, item in enumerate(node.value):
            _collect_marks(item, (*path, index), marks, written, file, seen)


def _check_flow_depth(text: str, file: str) -> None:
    """Refuse deep `[[[...` nesting before libyaml's composer, which recurses in C and
    overflows the stack some ten thousand levels down; its event parser does not recurse."""
    depth = 0
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(f"nested more than {MAX_DEPTH} levels deep", file, *_mark(event))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def parse_yaml(text: str, file: str) -> Located:
    """Parse YAML text safely; syntax errors, duplicate keys, aliases and too deep nesting
    become InputError."""
    loader = _StrictLoader(text)
    loader.file = file
    try:
        if text.count("[") + text.count("{") > 1000:  # only then can nesting be that deep
            _check_flow_depth(text, file)
        node = loader.get_single_node()
        if node is None:
            return Located(None, file, {})
        marks: dict[Path_, tuple[int, int]] = {}
        written: dict[Path_, str] = {}
        _collect_marks(node, (), marks, written, file)
        return Located(loader.construct_document(node), file, marks, written)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or "not valid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise InputError(f"not valid YAML: {reason}", file, line, column) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: no mark
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise InputError(
            f"not valid YAML: the character U+{exc.character:04X} may not stand in a YAML file",
            file,
            line,
            column,
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file) from None
    finally:
        loader.dispose()


def load_yaml(path: str | os.PathLike[str]) -> Located:
    """Read and parse a YAML (or JSON, which is YAML) file."""
    with reading(path), open(path, encoding="utf-8") as handle:
        text = handle.read()
    return parse_yaml(text, str(path))
