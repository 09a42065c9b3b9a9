"""Shared fixtures: the pair files, overfit fixture models built from them, ../shared.

The overfit models are trained once and kept in pytest's cache directory under a key made of
the pair file's bytes, the builder's fingerprint (its version and a hash of its code) and the
build settings, so a second test run loads them instantly and a change to either the pairs or
the builder retrains them.
"""

from __future__ import annotations

import hashlib
import shutil
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

from translate.models.fixture import (
    FIXTURE_VERSION,
    LAYOUT,
    builder_fingerprint,
    read_pairs_tsv,
    train_overfit,
)
from translate.models.layouts import LAYOUTS

DATA = Path(__file__).resolve().parent / "data"
PAIR_FILES = {"en": DATA / "pairs.ar-en.tsv", "ru": DATA / "pairs.ar-ru.tsv"}
DIRECTION_FILES = {("ar", "en"): PAIR_FILES["en"], ("ar", "ru"): PAIR_FILES["ru"],
                   ("en", "ru"): DATA / "pairs.en-ru.tsv"}
# What each multilingual fixture learns: NLLB and M2M100 also en→ru, so the families suite's
# pivot ar→en→ru runs through one model as it does with the real ones.
FAMILY_DIRECTIONS = {
    "nllb": [("ar", "en"), ("ar", "ru"), ("en", "ru")],
    "m2m100": [("ar", "en"), ("ar", "ru"), ("en", "ru")],
    "mbart": [("ar", "en"), ("ar", "ru")],
    "marian-multi": [("ar", "en"), ("ar", "ru")],
}
SEED = 0

# A test that needs one of these trains models on a cold cache (minutes on 2 cores) and loads
# and runs them on a warm one: it is slow, whether or not it says so. `pytest -m "not slow"`
# (README, Development) is the fast subset.
MODEL_FIXTURES = {"fixture_models", "family_models", "zle_model", "fixture_pivot_model",
                  "seed_models"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def fixture_pairs() -> dict[str, list[tuple[str, str]]]:
    """{"en": [(arabic, english), ...], "ru": [(arabic, russian), ...]} from tests/data."""
    return {lang: read_pairs_tsv(path) for lang, path in PAIR_FILES.items()}


@pytest.fixture(scope="session")
def fixture_models(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    fixture_pairs: dict[str, list[tuple[str, str]]],
) -> dict[str, Path]:
    """{"en": DIR, "ru": DIR}: opus-mt-layout models that reproduce the pair files exactly."""
    cache = getattr(request.config, "cache", None)  # absent under `-p no:cacheprovider`
    root = (
        cache.mkdir("tarjama-fixtures")
        if cache is not None
        else tmp_path_factory.mktemp("tarjama-fixtures")
    )
    models = {}
    for lang, path in PAIR_FILES.items():
        key = hashlib.sha256(
            b"\0".join([path.read_bytes(), f"{builder_fingerprint()}:{SEED}:ar-{lang}".encode()])
        ).hexdigest()[:16]
        out = root / f"ar-{lang}-{key}"
        if not all((out / name).is_file() for name in LAYOUT):
            for stale in root.glob(f"ar-{lang}-*"):  # builds for older pairs or builders
                shutil.rmtree(stale, ignore_errors=True)
            train_overfit(fixture_pairs[lang], out, seed=SEED, force=True, target_lang=lang)
        models[lang] = out
    return models


def _fixture_root(request: pytest.FixtureRequest,
                  tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = getattr(request.config, "cache", None)  # absent under `-p no:cacheprovider`
    return (cache.mkdir("tarjama-fixtures") if cache is not None
            else tmp_path_factory.mktemp("tarjama-fixtures"))


def family_model(family: str, directions: list[tuple[str, str]],
                 request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The overfit model of ``family`` on the pair files of ``directions``, built once and kept
    under a key of the pair files' bytes, the builder's fingerprint and the directions."""
    key = hashlib.sha256(b"\0".join(
        [DIRECTION_FILES[d].read_bytes() for d in directions]
        + [f"{builder_fingerprint()}:{SEED}:{family}:{directions}".encode()])).hexdigest()[:16]
    root = _fixture_root(request, tmp_path_factory)
    label = family if directions == FAMILY_DIRECTIONS.get(family) else \
        f"{family}-{'-'.join(s + t for s, t in directions)}"
    out = root / f"{label}-{key}"
    if not all((out / name).is_file() for name in LAYOUTS[family].files):
        for stale in root.glob(f"{label}-" + "?" * 16):  # older builds of this very label
            shutil.rmtree(stale, ignore_errors=True)
        pairs = {d: read_pairs_tsv(DIRECTION_FILES[d]) for d in directions}
        train_overfit(pairs, out, family=family, seed=SEED, force=True)
    return out


@pytest.fixture(scope="session")
def family_models(request: pytest.FixtureRequest,
                  tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """{family: DIR} for nllb, m2m100, mbart and marian-multi: each in its hub layout,
    reproducing the pair files of its directions exactly."""
    return {family: family_model(family, directions, request, tmp_path_factory)
            for family, directions in FAMILY_DIRECTIONS.items()}


@pytest.fixture(scope="session")
def zle_model(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A multi-target Marian from English, as opus-mt-tc-big-en-zle: >>rus<< in front."""
    return family_model("marian-multi", [("en", "ru")], request, tmp_path_factory)


@pytest.fixture(scope="session")
def nllb_model(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The NLLB-layout overfit model alone (ar→en, ar→ru, en→ru), for a test needing no other."""
    return family_model("nllb", FAMILY_DIRECTIONS["nllb"], request, tmp_path_factory)


@pytest.fixture(scope="session")
def direction_pairs() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """{("ar", "en"): pairs, ("ar", "ru"): pairs, ("en", "ru"): pairs} from tests/data."""
    return {d: read_pairs_tsv(path) for d, path in DIRECTION_FILES.items()}


@pytest.fixture(scope="session")
def expected(fixture_pairs) -> dict[str, list[str]]:
    """tests/data/article.ar.txt's translatable blocks in each language, from the training
    pairs: what every fixture model of every family must give for the article."""
    article = DATA / "article.ar.txt"
    out: dict[str, list[str]] = {}
    for lang, pairs in fixture_pairs.items():
        table = dict(pairs)
        blocks = article.read_text(encoding="utf-8").split("\n\n")[1:]  # the first is chrome
        out[lang] = []
        for block in blocks:
            sources = [s for s in table if s in block]
            sources.sort(key=block.index)
            assert "".join(sources).replace(" ", "") == block.strip().replace(" ", "")
            out[lang].append(" ".join(table[s] for s in sources))
    return out


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ``shared`` folder beside the repository (data, docs); skips when it is absent."""
    path = Path(__file__).resolve().parents[2] / "shared"
    if not path.is_dir():
        pytest.skip("needs ../shared beside the repository (a plain clone has none)")
    return path


@pytest.fixture(scope="session", autouse=True)
def _isolated_model_store(tmp_path_factory: pytest.TempPathFactory):
    """Conversions made by `--backend auto` go to a per-session store, never the user's."""
    mp = pytest.MonkeyPatch()
    mp.setenv("TARJAMA_MODELS", str(tmp_path_factory.mktemp("tarjama-store")))
    mp.setenv("HF_HUB_OFFLINE", "1")  # no test may reach for the hub
    yield
    mp.undo()


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets an empty translation cache: no test can pass on another's results."""
    monkeypatch.setenv("TARJAMA_CACHE", str(tmp_path / "tarjama-cache.sqlite"))


@pytest.fixture(scope="session")
def fixture_pivot_model(request: pytest.FixtureRequest,
                        tmp_path_factory: pytest.TempPathFactory,
                        fixture_pairs: dict[str, list[tuple[str, str]]]) -> Path:
    """An en→ru overfit model on the pair files' English and Russian sides (for --via en)."""
    pairs = [(en, ru) for (_, en), (_, ru) in zip(fixture_pairs["en"], fixture_pairs["ru"],
                                                   strict=True)]
    cache = getattr(request.config, "cache", None)
    root = (cache.mkdir("tarjama-fixtures") if cache is not None
            else tmp_path_factory.mktemp("tarjama-fixtures"))
    key = hashlib.sha256(repr((pairs, builder_fingerprint(), SEED)).encode()).hexdigest()[:16]
    out = root / f"en-ru-{key}"
    if not all((out / name).is_file() for name in LAYOUT):
        for stale in root.glob("en-ru-*"):
            shutil.rmtree(stale, ignore_errors=True)
        train_overfit(pairs, out, seed=SEED, force=True, source_lang="en", target_lang="ru")
    return out


SEED_PAIRS = {lang: DATA / f"seed_pairs.ar-{lang}.tsv" for lang in ("en", "ru")}


def _train(path: str, out: str, lang: str) -> dict:
    return train_overfit(read_pairs_tsv(path), Path(out), seed=SEED, force=True,
                         target_lang=lang)


@pytest.fixture(scope="session")
def seed_models(request, tmp_path_factory) -> dict[str, Path]:
    """{"en": DIR, "ru": DIR}: tiny Marian models that translate the seed article into the
    references' text exactly (trained on tests/data/seed_pairs.*.tsv), kept in pytest's cache
    under a key made of the pair files, the fixture builder version and the seed."""
    cache = getattr(request.config, "cache", None)
    root = (cache.mkdir("tarjama-seed-fixtures") if cache is not None
            else tmp_path_factory.mktemp("tarjama-seed-fixtures"))
    models, todo = {}, []
    for lang, path in SEED_PAIRS.items():
        key = hashlib.sha256(b"\0".join([path.read_bytes(), FIXTURE_VERSION.encode(),
                                         f"{SEED}:ar-{lang}".encode()])).hexdigest()[:16]
        out = root / f"ar-{lang}-{key}"
        models[lang] = out
        if not all((out / name).is_file() for name in LAYOUT):
            for stale in root.glob(f"ar-{lang}-*"):
                shutil.rmtree(stale, ignore_errors=True)
            todo.append((str(path), str(out), lang))
    if todo:
        # One process per model: training is single-threaded by design (reproducible
        # weights), so the two models train side by side on two cores.
        with ProcessPoolExecutor(len(todo), mp_context=get_context("spawn")) as pool:
            list(pool.map(_train, *zip(*todo, strict=True)))
    return models
