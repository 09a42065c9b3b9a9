"""Every command's `--help`, as a user reads it: nothing in `[...]` eaten, no Python types.

The tests walk the command tree that `tarjama` builds (every command and subcommand, bench,
corpus and align included), render each help at a width where nothing wraps mid-word, and
compare it with the help strings in the code.
"""

from __future__ import annotations

import itertools
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


# --- help at a terminal's width: paragraphs reflow, examples stay one pasteable line -------
WIDTHS = (80, 120)


def at_width(app_: Any, path: tuple[str, ...], width: int) -> list[str]:
    import typer.rich_utils

    # typer reads TERMINAL_WIDTH once, when rich_utils is first imported (maybe under WIDE)
    saved, typer.rich_utils.MAX_WIDTH = typer.rich_utils.MAX_WIDTH, None
    try:
        result = runner.invoke(app_, [*path, "--help"],
                               env={"COLUMNS": str(width), "TERMINAL_WIDTH": None})
    finally:
        typer.rich_utils.MAX_WIDTH = saved
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def prose_lines(lines: list[str]) -> list[str]:
    """The help's own text (usage, description, epilog): every line outside the panels."""
    inside, out = False, []
    for line in lines:
        if line.startswith("╭"):
            inside = True
        elif line.startswith("╰"):
            inside = False
        elif not inside:
            out.append(line)
    return out


def hard_breaks(lines: list[str], width: int) -> list[str]:
    """Lines that end where the next line's first word would still have fitted: a line break
    typed into the source, not made by wrapping to the terminal."""
    found = []
    for line, after in itertools.pairwise(lines):
        here, there = line.rstrip(), after.strip()
        if not here.strip() or not there or after.startswith("   ") or line.startswith("   "):
            continue  # a paragraph ends, or an example (indented) line
        if len(here) + 1 + len(there.split()[0]) <= width - 1:
            found.append(f"{here.strip()!r} / {there!r}")
    return found


def examples_of(command: Any) -> list[str]:
    from translate.cli.helptext import is_example_paragraph

    return [line.strip() for para in (command.help or "").split("\n\n")
            if is_example_paragraph(para) for line in para.splitlines()]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("path", "command"), TREE, ids=IDS)
def test_help_reflows_at_the_terminal_width(path, command, width):
    lines = at_width(app, path, width)
    assert max(len(line) for line in lines) <= width
    breaks = hard_breaks(prose_lines(lines), width)
    assert not breaks, f"`tarjama {' '.join(path)} --help` breaks mid-sentence: {breaks}"
    shown = {line.strip() for line in lines}
    cut = [example for example in examples_of(command) if unescape_markup(example) not in shown]
    assert not cut, f"examples wrapped at {width} columns: {cut}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("path", "command"), TREE, ids=IDS)
def test_help_cuts_no_option_name_or_value(path, command, width):
    """rich used to end what did not fit with an ellipsis (``--max-decoding-l…``,
    ``ru=Helsinki-NLP/opu…``): every name, metavar and default is shown whole."""
    lines = at_width(app, path, width)
    shown = " ".join(BOX.sub(" ", line) for line in lines)
    assert shown.count("…") == render(path).count("…"), f"`tarjama {' '.join(path)} --help`"
    names = [opt for p in command.params if not getattr(p, "hidden", False)
             for opt in (*p.opts, *getattr(p, "secondary_opts", ())) if opt.startswith("--")]
    missing = [n for n in names if not re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", shown)]
    assert not missing, f"`tarjama {' '.join(path)} --help` at {width} columns cuts {missing}"


def test_the_reflow_check_catches_hard_breaks():
    """A docstring with typed line breaks, rendered by typer as it is: the check sees them."""
    raw = typer.Typer()

    @raw.command()
    def run() -> None:
        """Do it.

        The default models are downloaded from the
        Hugging Face hub on first use; pass --model for local ones, or set the offline
        variable to use only the local cache.
        """

    breaks = hard_breaks(prose_lines(at_width(raw, (), 80)), 80)
    assert breaks and "Hugging Face" in breaks[0]


@pytest.mark.parametrize(("text", "expected"), [
    ("tarjama translate a.ar.txt --to en\n", ["  tarjama translate a.ar.txt --to en"]),
    ("tarjama translate article.ar.txt -f html -o article.html --model en=DIR "
     "--model ru=DIR\n",
     ["  tarjama translate article.ar.txt -f html -o article.html --model en=DIR \\",
      "    --model ru=DIR"]),
    ("tarjama translate archive/*.ar.txt -f json -o out/   # resumable: rerun "
     "after a crash\n",
     ["  # resumable: rerun after a crash",
      "  tarjama translate archive/*.ar.txt -f json -o out/"]),
    ("cat قال.txt | tarjama translate - --to ru --via en   # Лавров\n",
     ["  cat قال.txt | tarjama translate - --to ru --via en   # Лавров"]),
], ids=["fits", "split-before-an-option", "comment-moves-above", "arabic-russian-fits"])
def test_examples_are_split_to_fit_80_columns(text, expected):
    from translate.cli.helptext import EXAMPLE_WIDTH, reflow

    docstring = f"Short.\n\n    Examples:\n\n      {text}"  # indented as in a function
    shown = (reflow(docstring) or "").split("\n\n")[2].splitlines()
    assert shown == expected
    assert all(len(line) <= EXAMPLE_WIDTH for line in shown)


def test_usage_lines_read_as_click_writes_them():
    assert "[ARTICLE]..." in at_width(app, ("translate",), 120)[1]
    assert "[[ARTICLE]]" not in at_width(app, ("translate",), 120)[1]
    assert "INPUT..." in at_width(app, ("corpus", "build"), 120)[1]
