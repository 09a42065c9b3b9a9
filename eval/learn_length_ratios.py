"""Regenerate translate/data/length_ratios.tsv from NTREX-128 (CC BY-SA 4.0).

Usage: python eval/learn_length_ratios.py [NTREX_DIR]   (default: ../shared/data/ntrex128
beside the checkout). Prints the table; pass --write to replace the shipped file.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # runs from a checkout, installed or not

from translate.checks.length import format_ranges, learn_range  # noqa: E402
from translate.fsio import atomic_write, read_lines  # noqa: E402

FILES = {"ar": "newstest2019-ref.arb.txt", "en": "newstest2019-src.eng.txt",
         "ru": "newstest2019-ref.rus.txt"}
PROVENANCE = """\
Accepted character-length ratios len(translation)/len(source) per language pair, used by the
segment QA length check (translate/checks/length.py): low/high are the 0.5th/99.5th percentiles
over line pairs whose source has at least 10 characters; mean_log/sd_log describe log(ratio).
Learned from NTREX-128 (Federmann, Kocmi, Xin 2022; newstest2019 references; Microsoft
Translator, CC BY-SA 4.0, https://github.com/MicrosoftTranslator/NTREX). This table is derived
from it and shared under the same licence.
Regenerate: python eval/learn_length_ratios.py [NTREX_DIR] --write"""


def main(argv: list[str]) -> int:
    args = [a for a in argv if a != "--write"]
    data = Path(args[0]) if args else REPO.parent / "shared" / "data" / "ntrex128"
    lines = {lang: read_lines(data / name) for lang, name in FILES.items()}
    ranges = [learn_range("ar", tgt, lines["ar"], lines[tgt]) for tgt in ("en", "ru")]
    text = format_ranges(ranges, PROVENANCE)
    if "--write" in argv:
        atomic_write(REPO / "translate" / "data" / "length_ratios.tsv", text, force=True)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
