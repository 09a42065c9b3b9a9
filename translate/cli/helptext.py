"""How every command's ``--help`` reads, fixed once for the whole tree (bench, corpus, align too).

typer renders help with rich, which costs two things this module takes back:

- rich reads ``[word]`` in a help string as markup and drops it, so ``pip install
  'tarjama[ray]'`` showed as ``'tarjama'``: every help text is escaped here, once;
- typer labels a value with its Python type (``<str>``, ``<list[str]>``, ``<int range>``,
  ``<bool>``): here the labels are click's words (TEXT, INTEGER, PATH), a flag has none, and a
  choice lists its values as ``[text|markdown|json|html]``, read from the registry behind it
  when help is shown (``options.Choice``), so a backend registered later is listed too.

``plain_help`` walks the command tree that typer builds for each invocation; the root group
(``common.OneLineErrors``) calls it, so no command has to remember to.
"""

from __future__ import annotations

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


def _usage_name(param: Any) -> str:
    """An argument in the usage line as click writes it: ARTICLE..., [REF]..."""
    name = param.display_name_raw.removesuffix("...")
    name = name if param.required else f"[{name}]"
    return f"{name}..." if param.nargs != 1 else name


def plain_help(command: Any) -> None:
    """Escape every help text and relabel every parameter of ``command`` and its subcommands."""
    command.help = escape_markup(command.help)
    command.short_help = escape_markup(getattr(command, "short_help", None))
    command.epilog = escape_markup(getattr(command, "epilog", None))
    for param in command.params:
        _relabel(param)
    help_option = command.get_help_option  # made on first use: relabel it then

    def get_help_option(ctx: Any) -> Any:
        option = help_option(ctx)
        if option is not None:
            _relabel(option)
        return option

    command.get_help_option = get_help_option
    for sub in getattr(command, "commands", {}).values():
        plain_help(sub)


def _relabel(param: Any) -> None:
    param.help = escape_markup(param.help)
    if hasattr(param, "type_descriptor"):
        param.display_type = types.MethodType(type_label, param)
    if param.param_type_name == "argument" and hasattr(param, "_usage_display_name"):
        param._usage_display_name = types.MethodType(_usage_name, param)
