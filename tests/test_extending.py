"""Adding an alternative takes a class and a registry entry: proved with a toy of each kind.

A toy backend, a toy model family, a toy check and a toy output format are registered the way
README's Development section says (one registry entry each, here with monkeypatch) and run
through the public path: `tarjama translate` and `tarjama align`, not the classes directly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from translate.article import Flag
from translate.checks import CHECKS, Check
from translate.cli import app
from translate.engines import BACKENDS
from translate.engines.base import Engine
from translate.models.adapters import ADAPTERS
from translate.models.adapters.base import ModelAdapter, Tokenizer
from translate.values import Hypothesis
from translate.writers import FORMATS, Table, Writer

HERE = __name__  # the registries import "module:Class"; this module is already imported

LEXICON = {"قال": "said", "لافروف": "Lavrov", "في": "in", "موسكو": "Moscow"}
runner = CliRunner()


# --- a model family: its files, its tokenizer ----------------------------------------------
class WordTokenizer(Tokenizer):
    def encode(self, text: str) -> list[str]:
        return [*text.replace(".", " .").split(), self.end_token]

    def decode(self, tokens: list[str]) -> str:
        return " ".join(t for t in tokens if t != self.end_token).replace(" .", ".")


class ToyAdapter(ModelAdapter):
    family = "toy"
    model_files = ("config.json", "lexicon.json")
    converted_files = ()
    copy_files = ()
    hub_files = ("config.json", "lexicon.json")
    weight_files = ()  # the lexicon is the model

    def tokenizer(self, src_lang: str, tgt_lang: str) -> Tokenizer:
        return WordTokenizer()

    def transformers_classes(self) -> tuple[Any, Any]:
        raise NotImplementedError("a toy family has no transformers classes")


# --- a backend: loads a model, decodes a batch ---------------------------------------------
class LexiconEngine(Engine):
    backend = "lexicon"

    def _load(self) -> None:
        self.lexicon = json.loads((self.ref.path / "lexicon.json").read_text(encoding="utf-8"))

    def _generate(self, batch: list[str]) -> list[Hypothesis]:
        out = []
        for text in batch:
            tokens = self.tokenizer.encode(text)
            words = [self.lexicon.get(t, t) for t in tokens]
            out.append(Hypothesis(self.tokenizer.decode(words), tokens=len(words)))
        return out


# --- a check and an output format ----------------------------------------------------------
class LeftoverArabicWordCheck(Check):
    """Why: a toy; a word the lexicon lacks comes out in Arabic."""

    name = "toy-leftover"

    def check(self, source: str, translation: str, lang: str, *,
              hit_limit: bool = False) -> list[Flag]:
        left = [w for w in translation.split() if any("\u0600" <= c <= "\u06ff" for c in w)]
        return [self.flag(f"left in Arabic: {' '.join(left)}")] if left else []


class MarkdownTableWriter(Writer):
    name = "toy-table"

    def write(self, table: Table) -> dict[str, str]:
        lines = ["| " + " | ".join(table.langs) + " |", "|---" * len(table.langs) + "|"]
        lines += ["| " + " | ".join(r.texts.get(lang, "") for lang in table.langs) + " |"
                  for r in table.rows]
        return {"": "\n".join(lines) + "\n"}


@pytest.fixture
def toys(monkeypatch, tmp_path) -> Path:
    """Each toy registered in its registry; returns a toy model directory."""
    monkeypatch.setitem(ADAPTERS, "toy", f"{HERE}:ToyAdapter")
    monkeypatch.setitem(BACKENDS, "lexicon", f"{HERE}:LexiconEngine")
    monkeypatch.setitem(CHECKS, LeftoverArabicWordCheck.name, LeftoverArabicWordCheck)
    monkeypatch.setitem(FORMATS, MarkdownTableWriter.name, f"{HERE}:MarkdownTableWriter")
    model = tmp_path / "toy-ar-en"
    model.mkdir()
    (model / "config.json").write_text(json.dumps({"model_type": "toy"}), encoding="utf-8")
    (model / "lexicon.json").write_text(json.dumps(LEXICON, ensure_ascii=False),
                                        encoding="utf-8")
    return model


def test_toy_backend_family_and_check_through_translate(toys, tmp_path):
    article = tmp_path / "a.ar.txt"
    article.write_text("قال لافروف في موسكو.\n\nقال لافروف في القاهرة.\n", encoding="utf-8")
    out = tmp_path / "a.json"
    result = runner.invoke(app, ["translate", str(article), "--to", "en", "--backend", "lexicon",
                                 "--model", f"en={toys}", "-f", "json", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    first, second = (b["sentences"][0]["translations"]["en"] for b in doc["blocks"])
    assert first == {"text": "said Lavrov in Moscow."}
    assert second["text"] == "said Lavrov in القاهرة."
    toy = [f for f in second["flags"] if f["check"] == "toy-leftover"]
    assert [f["message"] for f in toy] == ["left in Arabic: القاهرة."]
    assert doc["meta"]["backend"] == ["lexicon"]


def test_toy_writer_through_align(toys, tmp_path):
    src, tgt = tmp_path / "src.ar", tmp_path / "tgt.ru"
    src.write_text("قال لافروف.\nفي موسكو.\n", encoding="utf-8")
    tgt.write_text("Лавров сказал.\nВ Москве.\n", encoding="utf-8")
    out = tmp_path / "beads.md"
    result = runner.invoke(app, ["align", str(src), str(tgt), "--method", "length",
                                 "--tgt-lang", "ru", "--format", "toy-table", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").splitlines() == [
        "| ar | ru |", "|---|---|", "| قال لافروف. | Лавров сказал. |",
        "| في موسكو. | В Москве. |"]
