"""How every command's ``--help`` reads, fixed once for the whole tree (bench, corpus, align too).

typer renders help with rich, which costs two things this module takes back:

- rich reads ``[word]`` in a help string as markup and drops it, so ``pip install
  'tarjama[ray]'`` showed as ``'tarjama'``: every help text is escaped here, once;
- typer labels a value with its Python type (``<str>``, ``<list[str]>``, ``<int range>``,
  ``<bool>``): here the labels are click's words (TEXT, INTEGER, PATH), a flag has none, and a
  choice lists its values as ``[text|markdown|json|html]``, read from the registry behind it
  when help is shown (``options.Choice``), so a backend registered later is listed too.

- a docstring's hard line breaks survived into rich's panels, so a paragraph broke
  mid-sentence at any width but the one it was typed for: ``reflow`` joins each paragraph's
  lines (rich wraps it to the terminal) and keeps an example paragraph (indented lines) line
  by line, so each example stays one line that can be pasted.

``plain_help`` walks the command tree that typer builds for each invocation; the root group
(``common.OneLineErrors``) calls it, so no command has to remember to.
"""

from __future__ import annotations

import inspect
import re
import types
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

# rich's markup tags: '[' then a letter, '#', '/' or '@' (rich.markup.RE_TAGS). Other brackets,
# "[0,1]:[0]" or "[--steps N]", are shown as they are and must not be escaped (a backslash
# before them would show). Already escaped ones are left alone.
_TAG = re.compile(r"(?<!\\)(\[[a-z#/@][^\[]*?\])")

_LABELS: dict[Any, str] = {str: "TEXT", int: "INTEGER", float: "FLOAT", Path: "PATH"}


def escape_markup(text: str | None) -> str | None:
    return _TAG.sub(r"\\\1", text) if text else text


def unescape_markup(text: str) -> str:
    """The text as the reader should see it (what the help test looks for)."""
    return re.sub(r"\\(\[[a-z#/@])", r"\1", text)


def choice_names(param: Any) -> list[str] | None:
    """The values a parameter accepts when it is a choice (an Enum or an ``options.Choice``)."""
    info = param.type_descriptor.parameter_info
    parser: Any = getattr(info, "parser", None)
    if hasattr(parser, "names"):
        return list(parser.names())
    if param.type_descriptor.is_choice:
        return [str(c.value) if isinstance(c, Enum) else str(c)
                for c in param.type_descriptor.choices or ()]
    return None


def type_label(param: Any, ctx: Any = None) -> str | None:
    """What help shows in the type column: never a Python type."""
    names = choice_names(param)
    if names is not None:
        return "[" + "|".join(names) + "]"
    if getattr(param, "is_bool_flag", False) or getattr(param, "is_flag", False):
        return None
    annotation = param.type_descriptor.annotation
    while get_origin(annotation) in (list, tuple):
        args = [a for a in get_args(annotation) if a is not Ellipsis]
        if get_origin(annotation) is tuple and len(args) > 1:
            return " ".join(_LABELS.get(a, "VALUE") for a in args)
        annotation = args[0] if args else str
    if annotation is bool:
        return None
    return _LABELS.get(annotation, "PATH" if param.type_descriptor.is_path else "VALUE")


def is_example_paragraph(paragraph: str) -> bool:
    """Indented lines (after ``inspect.cleandoc``): commands to paste, one a line."""
    lines = paragraph.splitlines()
    return bool(lines) and all(line.startswith(" ") for line in lines)


#: An example line, indentation included, fits this: 80 columns less rich's padding.
EXAMPLE_WIDTH = 78


def reflow(text: str | None) -> str | None:
    """``text`` with each prose paragraph on one line (rich wraps it to the terminal) and each
    example paragraph kept line by line: two spaces in, and an example too long for 80
    columns split before an option with a trailing backslash (the shell joins it back)."""
    if not text:
        return text
    paragraphs = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        if is_example_paragraph(paragraph):
            paragraphs.append("\n".join(_example_lines(paragraph)))
        else:
            paragraphs.append(" ".join(line.strip() for line in paragraph.splitlines()))
    return "\n\n".join(paragraphs)


def _example_lines(paragraph: str) -> list[str]:
    commands: list[str] = []  # one shell command each, continuations joined
    for line in paragraph.splitlines():
        if commands and commands[-1].endswith("\\"):
            commands[-1] = commands[-1][:-1].rstrip() + " " + line.strip()
        else:
            commands.append(line.strip())
    lines = []
    for cmd in commands:
        code, sep, comment = cmd.partition("  # ")
        if sep and len(cmd) + 2 > EXAMPLE_WIDTH:
            lines.append("  # " + comment.strip())  # the comment goes above the command
            cmd = code.rstrip()
        indent = "  "
        while len(indent + cmd) > EXAMPLE_WIDTH:
            cut = _split_at(cmd, EXAMPLE_WIDTH - len(indent) - 2)
            if cut is None:
                break
            lines.append(indent + cmd[:cut].rstrip() + " \\")
            cmd, indent = cmd[cut:].lstrip(), "    "
        lines.append(indent + cmd)
    return lines


def _split_at(command: str, width: int) -> int | None:
    """The last place at most ``width`` in where an option (or ``&&``, ``|``) starts."""
    starts = [m.start() + 1 for m in re.finditer(r" (?:-|&&|\|)", command)
              if 0 < m.start() + 1 <= width]
    return starts[-1] if starts else None


def _usage_name(param: Any) -> str:
    """An argument in the usage line as click writes it: ARTICLE..., [REF]..."""
    name = param.display_name_raw.removesuffix("...")
    name = name if param.required else f"[{name}]"
    return f"{name}..." if param.nargs != 1 else name


def plain_help(command: Any) -> None:
    """Escape every help text and relabel every parameter of ``command`` and its subcommands."""
    command.help = escape_markup(reflow(command.help))
    command.short_help = escape_markup(getattr(command, "short_help", None))
    command.epilog = escape_markup(reflow(getattr(command, "epilog", None)))
    for param in command.params:
        _relabel(param)
    help_option = command.get_help_option  # made on first use: relabel it then

    def get_help_option(ctx: Any) -> Any:
        option = help_option(ctx)
        if option is not None:
            _relabel(option)
        return option

    command.get_help_option = get_help_option
    format_help = command.format_help

    def format_help_laid_out(ctx: Any, formatter: Any) -> None:
        _keep_names_whole()
        format_help(ctx, formatter)

    command.format_help = format_help_laid_out
    for sub in getattr(command, "commands", {}).values():
        plain_help(sub)


def _keep_names_whole() -> None:
    """At 80 columns rich shrank every column of an options panel alike and cut what did not
    fit with an ellipsis: ``--max-decoding-l…``, ``[default: ru=Helsinki-NLP/opu…]``. Here the
    option-name columns never wrap (the help column gives way instead), and a word too long
    for the help column folds onto the next line whole. Installed when help is first
    formatted, so a command that is not asked for help never imports rich."""
    import typer.rich_utils as ru
    from rich.columns import Columns
    from rich.table import Table
    from rich.text import Text

    if getattr(ru, "_tarjama_layout", False):
        return

    class OptionsTable(Table):
        def add_row(self, *renderables: Any, **kwargs: Any) -> None:
            # typer's row: [required], long, short, negative long, negative short, type, help.
            # The negative names (--no-x) go under the positive ones: a column of their own
            # took 20 columns for the few flags that have one.
            cells = list(renderables)
            if len(cells) < 6:  # the commands table (name, description): as typer lays it
                super().add_row(*cells, **kwargs)
                return
            lead = cells[:-6]
            long, short, neg_long, neg_short = cells[-6:-2]
            super().add_row(*lead, _stack(long, neg_long), _stack(short, neg_short),
                            *cells[-2:], **kwargs)
            for column in self.columns[:-2]:  # the names; then the type (folds) and the help
                column.no_wrap = True

    def _stack(first: Any, second: Any) -> Any:
        if not (isinstance(first, Text) and isinstance(second, Text) and second.plain):
            return first
        out = first.copy()
        out.append("\n")
        out.append_text(second)
        return out

    parameter_help = ru._get_parameter_help

    def folded_help(*args: Any, **kwargs: Any) -> Any:
        rendered = parameter_help(*args, **kwargs)
        for item in getattr(rendered, "renderables", ()) if isinstance(rendered, Columns) else ():
            if isinstance(item, Text):
                item.overflow = "fold"
        return rendered

    ru.Table = OptionsTable  # type: ignore[misc]
    ru._get_parameter_help = folded_help
    ru._tarjama_layout = True  # type: ignore[attr-defined]


def _relabel(param: Any) -> None:
    param.help = escape_markup(param.help)
    if hasattr(param, "type_descriptor"):
        param.display_type = types.MethodType(type_label, param)
    if param.param_type_name == "argument" and hasattr(param, "_usage_display_name"):
        param._usage_display_name = types.MethodType(_usage_name, param)
