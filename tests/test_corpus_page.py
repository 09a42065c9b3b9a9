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
# Its English fixture translation is long for its source: the length check flags it.
FLAGGED = "عقد مجلس الأمن جلسة طارئة لبحث الوضع في المنطقة."
runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, fixture_models, fixture_pairs) -> Path:
    """The test article with references made of the pairs' targets, one paragraph per block."""
    root = tmp_path_factory.mktemp("page")
    article = root / "article.ar.txt"
    article.write_text(ARTICLE.read_text(encoding="utf-8") + f"\n{FLAGGED}\n", encoding="utf-8")
    blocks = article.read_text(encoding="utf-8").split("\n\n")[1:]
    refs = {}
    for lang, pairs in fixture_pairs.items():
        table = dict(pairs)
        paras = [" ".join(t for s, t in table.items() if s in block) for block in blocks]
        refs[lang] = root / f"article.{lang}.txt"
        refs[lang].write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    db = root / "c.sqlite"
    result = runner.invoke(app, [
        "corpus", "add", str(article), "--db", str(db), "--method", "bleu", "--beam", "1",
        "--ref", f"en={refs['en']}", "--ref", f"ru={refs['ru']}",
        "--model", f"en={fixture_models['en']}", "--model", f"ru={fixture_models['ru']}",
        "--backend", "transformers", "-q"])
    assert result.exit_code == 0, result.output
    return db


def test_page_shows_references_next_to_arabic_with_scores(corpus, fixture_pairs):
    with CorpusStore.open(corpus) as store:
        _, page = article_page(store)
    assert page.count("data-unit=") >= 3 * 7  # every unit's pieces are linked
    assert "«Мы не допустим никакого вмешательства в наши внутренние дела»" in page
    assert "BLEU 100.0" in page  # the fixture MT equals the reference
    assert '<article class="lang" id="ar" lang="ar" dir="rtl">' in page
    assert "Corpus article version 1" in page
    assert "Ru En" not in page.split("<main>")[1]  # chrome is recorded, not rendered


def test_unknown_article_is_a_usage_error(corpus):
    with CorpusStore.open(corpus) as store, pytest.raises(UsageError, match="matches no article"):
        article_page(store, "no-such-article")


def test_cli_exports_the_page_and_refuses_to_overwrite(corpus, tmp_path):
    out = tmp_path / "page.html"
    args = ["corpus", "export", "--db", str(corpus), "--format", "html",
            "--article", "article.ar.txt", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert 'id="aligned"' in out.read_text(encoding="utf-8")
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "--force" in again.output


def test_qa_flags_are_stored_exported_and_counted(corpus, tmp_path):
    with CorpusStore.open(corpus) as store:
        flagged = [(u.id, s.flags) for u in store.units() for pair, s in u.pairs.items()
                   if s.flags]
    assert len(flagged) == 1 and flagged[0][1][0].check == "length"
    out = tmp_path / "c.tmx"
    assert runner.invoke(app, ["corpus", "export", "--db", str(corpus), "--format", "tmx",
                               "-o", str(out)]).exit_code == 0
    assert 'type="x-ar-en-qa-flags">length:' in out.read_text(encoding="utf-8")
    stats = runner.invoke(app, ["corpus", "stats", "--db", str(corpus)])
    assert "QA flags on the MT: length ×1" in stats.output
