"""Plain-text tables for the terminal that never cut a number.

rich wraps or cuts cells to the terminal's width (and to 80 columns when the output is piped):
"10…" for a BLEU score or a model id cut short is worse than a long line. Here a table is
first laid out whole; when a width is given and it does not fit, the columns of words are
wrapped (never a cell holding a number, never below ``MIN_WORDS`` columns); when even that
does not fit, each row becomes a block of ``name: value`` lines. ``tsv`` is the form for
scripts (``-f tsv``).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

GAP = "  "
#: A column of words is never wrapped narrower than this.
MIN_WORDS = 12


def is_numeric(column: Sequence[str]) -> bool:
    """A column of numbers (or dashes for none): kept whole, never wrapped."""
    return all(re.search(r"\d", c) or c.strip() in ("", "—", "-") for c in column)


def plain_table(header: Sequence[str], rows: Sequence[Sequence[str]],
                right: Sequence[bool] | None = None, width: int | None = None) -> str:
    """Columns padded to their widest cell; ``right`` aligns numbers to the right. With a
    ``width``, a table wider than it wraps its word columns, or else becomes one block per
    row; a cell that holds a digit is always shown whole."""
    header = [str(h) for h in header]
    table = [[str(c) for c in row] for row in rows]
    widths = [max(len(c) for c in column) for column in zip(header, *table, strict=True)]
    align = list(right or [False] * len(widths))
    if width is not None and _total(widths) > width:
        narrowed = _narrowed(header, table, widths, width)
        if narrowed is None:
            return blocks(header, table, width)
        widths = narrowed
    lines = []
    for row in [header, *table]:
        # between words only: a number or an id is never split
        wrapped = [textwrap.wrap(c, w, break_on_hyphens=False, break_long_words=False) or [""]
                   if len(c) > w else [c]
                   for c, w in zip(row, widths, strict=True)]
        for i in range(max(len(cell) for cell in wrapped)):
            cells = [(cell[i] if i < len(cell) else "").rjust(w) if r else
                     (cell[i] if i < len(cell) else "").ljust(w)
                     for cell, w, r in zip(wrapped, widths, align, strict=True)]
            lines.append(GAP.join(cells).rstrip() + "\n")
    return "".join(lines)


def _total(widths: Sequence[int]) -> int:
    return sum(widths) + len(GAP) * (len(widths) - 1)


def _narrowed(header: list[str], rows: list[list[str]], widths: list[int],
              width: int) -> list[int] | None:
    """Widths that fit ``width`` by wrapping word columns (widest first), or None."""
    columns = list(zip(header, *rows, strict=True))
    # a column of words may shrink to its longest word, never below MIN_WORDS
    # a column of numbers keeps its widest number (its header may wrap between words)
    floors = [max(len(c) for c in col[1:]) if is_numeric(col[1:]) else
              min(w, max(MIN_WORDS, *(len(word) for c in col for word in c.split())))
              for col, w in zip(columns, widths, strict=True)]
    floors = [max(f, *(len(word) for word in col[0].split() or [""]))
              for f, col in zip(floors, columns, strict=True)]
    widths = list(widths)
    while _total(widths) > width:
        shrinkable = [i for i, w in enumerate(widths) if w > floors[i]]
        if not shrinkable:
            return None
        i = max(shrinkable, key=lambda j: widths[j])
        widths[i] = max(floors[i], widths[i] - (_total(widths) - width))
    return widths


def blocks(header: Sequence[str], rows: Sequence[Sequence[str]],
           width: int | None = None) -> str:
    """One block of ``name  value`` lines per row, a blank line between blocks; a long value
    wraps between words under itself."""
    pad = max(len(h) for h in header) + len(GAP)
    room = max(MIN_WORDS, width - pad) if width else None

    def lines(name: str, cell: str) -> str:
        parts = (textwrap.wrap(cell, room, break_on_hyphens=False, break_long_words=False)
                 if room and len(cell) > room else [cell]) or [""]
        return "".join(f"{(name if i == 0 else '').ljust(pad)}{part}".rstrip() + "\n"
                       for i, part in enumerate(parts))

    return "\n".join("".join(lines(h, c) for h, c in zip(header, row, strict=True))
                     for row in rows)


def tsv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Tab-separated, a header line first; tabs and newlines inside a cell become spaces."""
    def clean(cell: object) -> str:
        return re.sub(r"[\t\r\n]+", " ", str(cell))

    return "".join("\t".join(clean(c) for c in row) + "\n" for row in [header, *rows])


def terminal_width() -> int | None:
    """The width to fit: COLUMNS when set, the terminal's when stdout is one, else None
    (piped output is not cut to a guessed width: scripts read -f tsv or -f json)."""
    import os
    import shutil
    import sys

    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if sys.stdout is not None and sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None
