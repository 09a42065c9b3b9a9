"""Every command's `--help`, as a user reads it: nothing in `[...]` eaten, no Python types.

The tests walk the command tree that `tarjama` builds (every command and subcommand, bench,
corpus and align included), render each help at a width where nothing wraps mid-word, and
compare it with the help strings in the code.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from translate.cli import COMMANDS, app
from translate.cli.helptext import unescape_markup

runner = CliRunner()
WIDE = {"COLUMNS": "400", "TERMINAL_WIDTH": "400"}
# rich's markup tags look like this; anything else in brackets is shown as written
TAG = re.compile(r"\[[a-z#/@][^\[\]]*\]")
PYTHON_TYPES = re.compile(r"<(?:str|int|float|bool|path|list\b|tuple|dict|[a-z]+ range|"
                          r"list\[|[A-Z][a-z]\w*>)")
BOX = re.compile(r"[\s│╭╮╰╯─]+")


def walk(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = [(path, command)]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found += walk(sub, (*path, name))
    return found


TREE = walk(typer.main.get_command(app))
IDS = [" ".join(path) or "tarjama" for path, _ in TREE]


def render(path: tuple[str, ...]) -> str:
    result = runner.invoke(app, [*path, "--help"], env=WIDE)
    assert result.exit_code == 0, result.output
    return result.output


def help_strings(command: Any) -> list[str]:
    texts = [command.help or ""] + [p.help or "" for p in command.params]
    return [unescape_markup(t) for t in texts if t]


def test_the_walk_reaches_every_registered_command():
    # a group with options of its own (`bench`, not the root's --version) is also a command
    leaves = {" ".join(path) for path, cmd in TREE
              if path and (not hasattr(cmd, "commands") or cmd.params)}
    assert leaves == set(COMMANDS)


@pytest.mark.parametrize(("path", "command"), TREE, ids=IDS)
def test_brackets_in_help_survive_rendering(path, command):
    shown = BOX.sub("", render(path))
    missing = [tag for text in help_strings(command) for tag in TAG.findall(text)
               if BOX.sub("", tag) not in shown]
    assert not missing, f"rich markup ate {missing} from `tarjama {' '.join(path)} --help`"


@pytest.mark.parametrize(("path", "command"), TREE, ids=IDS)
def test_help_shows_no_python_types(path, command):
    shown = render(path)
    assert not PYTHON_TYPES.findall(shown), PYTHON_TYPES.findall(shown)


def test_choices_are_listed_from_the_registries():
    shown = render(("translate",))
    assert "[text|markdown|json|html]" in shown
    assert "[auto|transformers|ctranslate2]" in shown
    assert "[text|json]" in render(("score",))


def test_a_backend_registered_later_is_listed_and_accepted(monkeypatch):
    from translate.engines import BACKENDS

    monkeypatch.setitem(BACKENDS, "toy", "tests.nowhere:Toy")
    assert "[auto|transformers|ctranslate2|toy]" in render(("translate",))
    bogus = runner.invoke(app, ["translate", "-", "--backend", "bogus"])
    assert bogus.exit_code == 2 and "'bogus' is not one of" in bogus.output


def test_the_check_catches_what_rich_eats():
    """Without the help treatment, the same check fails: it is not vacuous."""
    raw = typer.Typer()

    @raw.command()
    def install(extra: str = typer.Option("", help="pip install 'tarjama[ray]'")) -> None:
        """Needs the [ray] extra."""

    shown = BOX.sub("", runner.invoke(raw, ["--help"], env=WIDE).output)
    assert "[ray]" not in shown and "'tarjama'" in shown
    assert "<str>" in runner.invoke(raw, ["--help"], env=WIDE).output
