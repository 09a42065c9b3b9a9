"""The models tarjama knows by name, with their published scores and sizes, each with its source.

Every number here was read from a named file: the model's card on the Hugging Face hub, or the
Helsinki-NLP leaderboards, which evaluate every OPUS-MT release (OPUS-MT-leaderboard) and re-run
the Meta checkpoints themselves (External-MT-leaderboard; these are Helsinki-NLP's runs, not
Meta's own metrics, which are behind links the NLLB cards give and were not read). Scores are
sacreBLEU BLEU (13a) and chrF (the leaderboards' 0-1 figure times 100, sacrebleu's scale, as
``tarjama bench`` reports it) on the test set named.
A figure nobody published is None, shown as "not published": never an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

OPUS_LB = "github.com/Helsinki-NLP/OPUS-MT-leaderboard"
EXTERNAL_LB = "github.com/Helsinki-NLP/External-MT-leaderboard"


@dataclass(frozen=True)
class Score:
    pair: str  # "ar-en"
    testset: str
    bleu: float
    chrf: float  # 0-100
    source: str


@dataclass(frozen=True)
class CatalogEntry:
    model_id: str
    family: str  # the adapter's family: marian, marian-multi, nllb, m2m100, mbart50
    pairs: tuple[str, ...]  # the directions tarjama uses it for
    params: str | None  # as published (None: not published)
    disk: str  # the weights on the hub (what a download costs)
    scores: tuple[Score, ...]
    source: str  # where params and size were read
    note: str = ""

    def score(self, pair: str) -> list[Score]:
        return [s for s in self.scores if s.pair == pair]


def _opus(path: str) -> str:
    return f"{OPUS_LB} models/{path}"


def _external(model: str) -> str:
    return f"{EXTERNAL_LB} models/huggingface/facebook/{model}"


def _nllb(name: str, params: str, disk: str, ar_en: tuple[float, float],
          ar_ru: tuple[float, float], en_ru: tuple[float, float],
          ntrex_en_ru: tuple[float, float]) -> CatalogEntry:
    src = _external(name)
    return CatalogEntry(
        f"facebook/{name}", "nllb", ("ar-en", "ar-ru", "en-ru"), params, disk,
        (Score("ar-en", "FLORES-200 devtest", *ar_en, src),
         Score("ar-ru", "FLORES-200 devtest", *ar_ru, src),
         Score("en-ru", "FLORES-200 devtest", *en_ru, src),
         Score("en-ru", "NTREX-128", *ntrex_en_ru, src)),
        f"model card; {src}.info; hub file listing",
        "one model, every direction (arb_Arab, eng_Latn, rus_Cyrl)")


CATALOG: tuple[CatalogEntry, ...] = (
    CatalogEntry(
        "Helsinki-NLP/opus-mt-ar-en", "marian", ("ar-en",), "76.4M", "308 MB fp32",
        (Score("ar-en", "FLORES-101 devtest", 33.9, 60.996,
               _opus("OPUS-MT-models/ar-en/opus-2019-12-18.scores.txt")),
         Score("ar-en", "Tatoeba.ar.en", 49.4, 66.1, "model card")),
        f"{_opus('OPUS-MT-models/ar-en/opus-2019-12-18.info')}; hub file listing",
        "default for --to en; not evaluated on FLORES-200 or NTREX-128",
    ),
    CatalogEntry(
        "Helsinki-NLP/opus-mt-ar-ru", "marian", ("ar-ru",), None, "307 MB fp32",
        (Score("ar-ru", "FLORES-200 devtest", 18.6, 46.877,
               _opus("Tatoeba-MT-models/ara-rus/opus-2020-07-03.scores.txt")),
         Score("ar-ru", "Tatoeba-test.ara.rus", 42.5, 60.5, "model card")),
        "hub file listing (no parameter count published for this release)",
        "default for --to ru",
    ),
    CatalogEntry(
        "Helsinki-NLP/opus-mt-en-ru", "marian", ("en-ru",), "76.2M", "307 MB fp32",
        (Score("en-ru", "FLORES-101 devtest", 25.6, 53.609,
               _opus("OPUS-MT-models/en-ru/opus-2020-02-11.scores.txt")),
         Score("en-ru", "newstest2019", 27.1, 53.3, "model card")),
        f"{_opus('OPUS-MT-models/en-ru/opus-2020-02-11.info')}; hub file listing",
        "second leg of --via en",
    ),
    CatalogEntry(
        "Helsinki-NLP/opus-mt-tc-big-ar-en", "marian", ("ar-en",), "239.0M", "603 MB fp16",
        (Score("ar-en", "FLORES-200 devtest", 42.8, 67.161, _opus(
            "Tatoeba-MT-models/ara-eng/opusTCv20210807+bt_transformer-big_2022-03-09")),
         Score("ar-en", "FLORES-101 devtest", 42.6, 66.987, "model card (benchmark_results.txt)")),
        f"{_opus('Tatoeba-MT-models/ara-eng/...2022-03-09.info')}; hub file listing",
        "transformer-big; no tc-big ar→ru exists (pivot through English)",
    ),
    CatalogEntry(
        "Helsinki-NLP/opus-mt-tc-big-en-zle", "marian-multi", ("en-ru",), "239.5M",
        "605 MB fp16",
        (Score("en-ru", "FLORES-200 devtest", 32.7, 59.664, _opus(
            "Tatoeba-MT-models/eng-zle/opusTCv20210807+bt_transformer-big_2022-03-13")),
         Score("en-ru", "NTREX-128", 34.6, 58.107, _opus(
             "Tatoeba-MT-models/eng-zle/opusTCv20210807+bt_transformer-big_2022-03-13"))),
        f"{_opus('Tatoeba-MT-models/eng-zle/...2022-03-13.info')}; hub file listing",
        "multi-target (bel, rus, ukr ...): tarjama puts >>rus<< in front",
    ),
    _nllb("nllb-200-distilled-600M", "600M", "2.46 GB fp32", (37.6, 62.695), (18.3, 46.361),
          (25.6, 53.221), (26.5, 52.712)),
    _nllb("nllb-200-distilled-1.3B", "1.3B", "5.48 GB fp32", (41.3, 65.658), (21.6, 49.486),
          (28.5, 55.662), (29.2, 54.868)),
    _nllb("nllb-200-1.3B", "1.3B", "5.48 GB fp32", (40.9, 65.293), (21.2, 49.05),
          (28.3, 55.257), (28.9, 54.639)),
    _nllb("nllb-200-3.3B", "3379.2M", "17.6 GB fp32 (3 shards)", (41.3, 66.088), (21.3, 49.138),
          (29.3, 56.276), (29.1, 54.735)),
    CatalogEntry(
        "facebook/m2m100_418M", "m2m100", ("ar-en", "ar-ru", "en-ru"), "418M", "1.94 GB fp32",
        (Score("ar-en", "FLORES-200 devtest", 29.2, 57.411, _external("m2m100_418M")),
         Score("ar-ru", "FLORES-200 devtest", 16.8, 45.626, _external("m2m100_418M")),
         Score("en-ru", "FLORES-200 devtest", 22.5, 51.061, _external("m2m100_418M"))),
        "model card; hub file listing", "one model, every direction (__ar__, __en__, __ru__)",
    ),
    CatalogEntry(
        "facebook/m2m100_1.2B", "m2m100", ("ar-en", "ar-ru", "en-ru"), "1.2B", "4.96 GB fp32",
        (Score("ar-en", "FLORES-200 devtest", 29.6, 56.285, _external("m2m100_1.2B")),
         Score("ar-ru", "FLORES-200 devtest", 17.4, 45.18, _external("m2m100_1.2B")),
         Score("en-ru", "FLORES-200 devtest", 28.1, 55.855, _external("m2m100_1.2B"))),
        "model card; hub file listing", "one model, every direction",
    ),
    CatalogEntry(
        "facebook/mbart-large-50-many-to-many-mmt", "mbart50", ("ar-en", "ar-ru", "en-ru"),
        None, "2.44 GB fp32", (),
        "hub file listing (no parameter count published)",
        "no FLORES-200 or NTREX-128 score published for ar-en, ar-ru or en-ru",
    ),
)


def entry(model_id: str) -> CatalogEntry | None:
    return next((e for e in CATALOG if e.model_id == model_id), None)


def listing() -> list[dict[str, object]]:
    """The catalog as rows for ``tarjama models list`` (table or JSON), with local presence."""
    from dataclasses import asdict

    from translate.models.store import local_status

    return [{"model_id": e.model_id, "family": e.family, "pairs": list(e.pairs),
             "params": e.params, "disk": e.disk, "scores": [asdict(s) for s in e.scores],
             "source": e.source, "note": e.note, "local": local_status(e.model_id)}
            for e in CATALOG]
