"""The typer app: thin commands over the library. See each module for its verbs.

Command modules are imported here only to register their commands on ``translate.cli.root.app``;
they import the heavy libraries (torch, transformers, ctranslate2) inside the command bodies, so
``--help`` is instant.
"""

from __future__ import annotations

from translate.cli.root import app

# Registration order is the order `tarjama --help` lists the commands.
from translate.cli import segment as _segment  # noqa: F401
from translate.cli import translate_cmd as _translate  # noqa: F401
from translate.cli import models as _models  # noqa: F401
from translate.cli import convert as _convert  # noqa: F401  (registers on models_app)
from translate.cli import cache as _cache  # noqa: F401
from translate.cli import bench as _bench  # noqa: F401
from translate.cli import align as _align  # noqa: F401
from translate.cli import corpus as _corpus  # noqa: F401
from translate.cli import score as _score  # noqa: F401

__all__ = ["app", "main"]


def main() -> None:
    from translate.cli import common

    common.HARD_EXIT = True
    app()
