"""File fixture models under the families suite's hub ids, so the suite runs offline, unchanged.

eval/suites/families.toml names real hub ids. Here each id gets a fixture model of its family
(translate.models.fixture), put where ``tarjama models pull ID`` would put the real one: in a
model store (TARJAMA_MODELS), ``<store>/<org>--<name>/hf``. The suite then resolves, converts
and loads them through the same path as the real models; nothing in the library knows they are
fixtures. Each reproduces the pairs of tests/data exactly, so every row must score 100.

    python eval/families_fixtures.py /tmp/fx-store [--build /tmp/fx-build]
    TARJAMA_MODELS=/tmp/fx-store HF_HUB_OFFLINE=1 tarjama bench \\
        --suite eval/suites/families.toml \\
        --testset tests/data/pairs.ar-en.tsv --testset tests/data/pairs.ar-ru.tsv
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
FILES = {("ar", "en"): DATA / "pairs.ar-en.tsv", ("ar", "ru"): DATA / "pairs.ar-ru.tsv",
         ("en", "ru"): DATA / "pairs.en-ru.tsv"}
ALL = (("ar", "en"), ("ar", "ru"), ("en", "ru"))
# hub id → (fixture family, the directions it learns): a stand-in of the same family
STAND_INS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "Helsinki-NLP/opus-mt-ar-en": ("marian", (("ar", "en"),)),
    "Helsinki-NLP/opus-mt-ar-ru": ("marian", (("ar", "ru"),)),
    "Helsinki-NLP/opus-mt-en-ru": ("marian", (("en", "ru"),)),
    "Helsinki-NLP/opus-mt-tc-big-ar-en": ("marian", (("ar", "en"),)),
    "Helsinki-NLP/opus-mt-tc-big-en-zle": ("marian-multi", (("en", "ru"),)),
    "facebook/nllb-200-distilled-600M": ("nllb", ALL),
    "facebook/m2m100_418M": ("m2m100", ALL),
}


def file_under_ids(store: Path, built: dict[tuple[str, tuple[tuple[str, str], ...]], Path]
                   ) -> list[Path]:
    """Copy each stand-in into ``store`` under its hub id (``built``: (family, directions) →
    the fixture's directory). Returns the directories written."""
    out = []
    for model_id, key in STAND_INS.items():
        target = store / model_id.replace("/", "--") / "hf"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(built[key], target)
        out.append(target)
    return out


def build(directory: Path) -> dict[tuple[str, tuple[tuple[str, str], ...]], Path]:
    """Each fixture the stand-ins need, trained once into ``directory`` (kept across runs)."""
    from translate.models.fixture import read_pairs_tsv, train_overfit

    built = {}
    for family, directions in set(STAND_INS.values()):
        name = f"{family}-" + "-".join(s + t for s, t in directions)
        out = directory / name
        if not (out / "config.json").is_file():
            pairs = {d: read_pairs_tsv(FILES[d]) for d in directions}
            train_overfit(pairs, out, family=family, force=True)
        built[(family, directions)] = out
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="the model store to fill (TARJAMA_MODELS)")
    parser.add_argument("--build", type=Path, help="where fixtures are trained and kept "
                        "[default: STORE/.fixtures]")
    args = parser.parse_args()
    for path in file_under_ids(args.store, build(args.build or args.store / ".fixtures")):
        print(f"wrote {path}")
    print(f"now: TARJAMA_MODELS={args.store} HF_HUB_OFFLINE=1 tarjama bench "
          "--suite eval/suites/families.toml --testset tests/data/pairs.ar-en.tsv "
          "--testset tests/data/pairs.ar-ru.tsv")


if __name__ == "__main__":
    main()
