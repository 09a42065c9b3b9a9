"""One corpus article as the reading page: references aligned beside the Arabic, with scores."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.cli import app
from translate.corpus.page import article_page
from translate.corpus.store import CorpusStore
from translate.errors import UsageError

ARTICLE = Path(__file__).parent / "data" / "article.ar.txt"
runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, fixture_models, fixture_pairs) -> Path:
    """The test article with references made of the pairs' targets, one paragraph per block."""
    root = tmp_path_factory.mktemp("page")
    blocks = ARTICLE.read_text(encoding="utf-8").split("\n\n")[1:]
    refs = {}
    for lang, pairs in fixture_pairs.items():
        table = dict(pairs)
        paras = [" ".join(t for s, t in table.items() if s in block) for block in blocks]
        refs[lang] = root / f"article.{lang}.txt"
        refs[lang].write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    db = root / "c.sqlite"
    result = runner.invoke(app, [
        "corpus", "add", str(ARTICLE), "--db", str(db), "--method", "bleu", "--beam", "1",
        "--ref", f"en={refs['en']}", "--ref", f"ru={refs['ru']}",
        "--model", f"en={fixture_models['en']}", "--model", f"ru={fixture_models['ru']}",
        "--backend", "transformers", "-q"])
    assert result.exit_code == 0, result.output
    return db


def test_page_shows_references_next_to_arabic_with_scores(corpus, fixture_pairs):
    with CorpusStore.open(corpus) as store:
        page = article_page(store)
    assert page.count("data-unit=") >= 3 * 7  # every unit's pieces are linked
    assert "«Мы не допустим никакого вмешательства в наши внутренние дела»" in page
    assert "BLEU 100.0" in page  # the fixture MT equals the reference
    assert '<article class="lang" id="ar" lang="ar" dir="rtl">' in page
    assert "Corpus article version 1" in page
    assert "Ru En" not in page.split("<main>")[1]  # chrome is recorded, not rendered


def test_unknown_article_is_a_usage_error(corpus):
    with CorpusStore.open(corpus) as store, pytest.raises(UsageError, match="matches no article"):
        article_page(store, "no-such-article")
