"""Plain-text tables for the terminal that never cut a cell.

rich wraps or cuts cells to the terminal's width, and to 80 columns when the output is piped:
a model id or a p-value cut short is worse than a long line.
"""

from __future__ import annotations

from collections.abc import Sequence


def plain_table(header: Sequence[str], rows: Sequence[Sequence[str]],
                right: Sequence[bool] | None = None) -> str:
    """Columns padded to their widest cell; ``right`` aligns numbers to the right."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    align = list(right or [False] * len(widths))
    lines = []
    for row in [header, *rows]:
        cells = [str(c).rjust(w) if r else str(c).ljust(w)
                 for c, w, r in zip(row, widths, align, strict=True)]
        lines.append("  ".join(cells).rstrip() + "\n")
    return "".join(lines)
