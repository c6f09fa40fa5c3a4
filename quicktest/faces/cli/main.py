"""The command line's entry: find the command, parse its options, run it in a workspace, and
turn what happened into the exit status.

Exit status: 0 done, 2 bad input (one message on stderr naming the place), 1 an internal fault.
Only the named command's module is loaded (`commands/`); heavy faces (Textual, WeasyPrint)
load inside the commands that need them. `quicktest` alone is `quicktest run`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from quicktest import __version__
from quicktest.app.workspace import Workspace
from quicktest.domain.errors import InputError, InputErrors, SetupError
from quicktest.faces.cli.commands import COMMANDS
from quicktest.faces.cli.exits import EXIT_FAULT, EXIT_INPUT, EXIT_OK
from quicktest.faces.cli.options import Formatter, add_store_options

_GLOBAL = ("--questions", "--db")  # options of every command, which take a value
_ASKS = ("-h", "--help", "--version")


def _with_command(argv: list[str]) -> list[str]:
    """The line with its command: `run` where none is named (after the global options)."""
    tokens = iter(enumerate(argv))
    for index, token in tokens:
        if token in _GLOBAL:
            next(tokens, None)
        elif token.startswith(_GLOBAL) and "=" in token:
            continue
        elif not token.startswith("-"):
            return argv  # a command (or a misspelt one, which argparse names)
        elif token in _ASKS:
            return argv
        else:
            return [*argv[:index], "run", *argv[index:]]
    return [*argv, "run"]


def _command(argv: list[str]) -> str | None:
    """The command named on the line (after any global options), if it is known."""
    tokens = iter(argv)
    for token in tokens:
        if token in _GLOBAL:
            next(tokens, None)
        elif not token.startswith("-"):
            return token if token in COMMANDS else None
    return None


def _parser(named: str | None) -> tuple[argparse.ArgumentParser, ModuleType | None]:
    """The command line's parser, with the named command's options (and only its module
    loaded); the other commands are listed with their help."""
    parser = add_store_options(
        argparse.ArgumentParser(
            prog="quicktest",
            formatter_class=Formatter,
            description="Seven questions, five minutes: which revenue failure pattern costs "
            "the most right now.",
        )
    )
    parser.add_argument("--version", action="version", version=f"quicktest {__version__}")
    # The global options may also come after the command. A command's copies default to
    # SUPPRESS so that they do not reset a value given before the command to None.
    common = add_store_options(
        argparse.ArgumentParser(
            add_help=False, argument_default=argparse.SUPPRESS, formatter_class=Formatter
        )
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    module = None
    for name, text in COMMANDS.items():
        if name != named:  # listed in the help; its options are built only when it is named
            commands.add_parser(name, help=text, add_help=False)
            continue
        sub = commands.add_parser(
            name, help=text, description=text, parents=[common], formatter_class=Formatter
        )
        module = importlib.import_module(f"quicktest.faces.cli.commands.{name}")
        module.add_arguments(sub, common)
    return parser, module


def main(argv: Sequence[str] | None = None) -> int:
    argv = _with_command(sys.argv[1:] if argv is None else list(argv))
    for stream in (sys.stdout, sys.stderr):  # any terminal prints, showing what it cannot
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    parser, module = _parser(_command(argv))
    args = parser.parse_args(argv)
    assert module is not None  # argparse refused any other command
    workspace = Workspace(args.questions, args.db)
    try:
        return int(module.run(args, workspace))
    except (InputError, InputErrors) as exc:
        print(f"quicktest: {exc}".replace("\n", "\nquicktest: "), file=sys.stderr)
        return EXIT_INPUT
    except SetupError as exc:
        print(f"quicktest: {exc}", file=sys.stderr)
        return EXIT_FAULT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # an internal fault: say so briefly; full detail on request
        if os.environ.get("QUICKTEST_DEBUG"):
            raise
        print(
            f"quicktest: internal error: {type(exc).__name__}: {exc} "
            "(set QUICKTEST_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return EXIT_FAULT
    finally:
        workspace.close()


def entry() -> None:
    """The `quicktest` command: `main`, then, after a command whose module says
    EXIT_AT_ONCE, the end of the process without the interpreter's teardown. A report leaves
    WeasyPrint's hundreds of thousands of objects, which the teardown would free one by one
    (a tenth of a second, as long as its read takes); by then its files are written whole and
    the store is closed, and the streams are flushed here."""
    code = main()
    command = _command(_with_command(sys.argv[1:]))
    module = sys.modules.get(f"quicktest.faces.cli.commands.{command}")
    if getattr(module, "EXIT_AT_ONCE", False):
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)
    sys.exit(code)
