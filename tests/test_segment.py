"""The segmenter: sentence splitting, block roles, ids, the seed article and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from translate.article import Role
from translate.cli import app
from translate.errors import InputError
from translate.segment import segment_text
from translate.segment.blocks import chrome_languages, is_credit_line, is_dateline
from translate.segment.sentences import split_sentences

SEED = Path(__file__).resolve().parents[1] / "seeds" / "lavrov-sahel-2025-04-03.ar.txt"

# --- sentences --------------------------------------------------------------------------------

SENTENCE_CASES = [
    ("قال الوزير إن الوضع صعب. وأضاف أن الحل قريب.",
     ["قال الوزير إن الوضع صعب.", "وأضاف أن الحل قريب."]),
    ("هل تنجح الوساطة؟ لا أحد يعرف! لكن الأمل قائم… والعمل مستمر.",
     ["هل تنجح الوساطة؟", "لا أحد يعرف!", "لكن الأمل قائم…", "والعمل مستمر."]),
    ("انتظروا... ثم غادروا.", ["انتظروا...", "ثم غادروا."]),
    ("حقاً؟! لم أصدق ذلك.", ["حقاً؟!", "لم أصدق ذلك."]),
    ("زار الوزير موسكو، ثم باريس، ثم لندن.", ["زار الوزير موسكو، ثم باريس، ثم لندن."]),
    ("بلغ النمو 3.5 في المئة هذا العام. وهو رقم قياسي.",
     ["بلغ النمو 3.5 في المئة هذا العام.", "وهو رقم قياسي."]),
    ("بلغ النمو ٣٫٥ في المئة. وهو رقم قياسي.", ["بلغ النمو ٣٫٥ في المئة.", "وهو رقم قياسي."]),
    ("وصل عدد الزوار إلى 1.000 زائر أمس.", ["وصل عدد الزوار إلى 1.000 زائر أمس."]),
    ("بلغ النمو ٣.٥ في المئة.", ["بلغ النمو ٣.٥ في المئة."]),
    ("قال د. أحمد زويل إن العلم مفتاح التقدم.", ["قال د. أحمد زويل إن العلم مفتاح التقدم."]),
    ("تأسست ج. م. ع. عام 1958 م. وتغير اسمها لاحقاً.",
     ["تأسست ج. م. ع. عام 1958 م. وتغير اسمها لاحقاً."]),
    ("بُنيت المدينة عام 300 ق.م. وازدهرت بعد ذلك.", ["بُنيت المدينة عام 300 ق.م. وازدهرت بعد ذلك."]),
    ("J. K. Rowling met Mr. Smith in the U.S. last year. They talked.",
     ["J. K. Rowling met Mr. Smith in the U.S. last year.", "They talked."]),
    ("Prices rose approx. two percent. Then they fell.",
     ["Prices rose approx. two percent.", "Then they fell."]),
    ("Это произошло в 2024 г. в Москве. Т.е. недавно. Мы знаем и др. детали.",
     ["Это произошло в 2024 г. в Москве.", "Т.е. недавно.", "Мы знаем и др. детали."]),
    ('قال الوزير: "سنواصل العمل. لن نتوقف." ثم غادر القاعة.',
     ['قال الوزير: "سنواصل العمل. لن نتوقف." ثم غادر القاعة.']),
    ("قال: «انتهى الأمر. لا عودة». وصمت.", ["قال: «انتهى الأمر. لا عودة».", "وصمت."]),
    ("وقال: “لن نتراجع! أبداً” مؤكداً موقفه.", ["وقال: “لن نتراجع! أبداً” مؤكداً موقفه."]),
    ("Он сказал: «Всё. Конец» и ушёл. Потом вернулся.",
     ["Он сказал: «Всё. Конец» и ушёл.", "Потом вернулся."]),
    # An unmatched quote protects nothing: the rest of the paragraph still splits.
    ('قال " الوزير إن الوضع صعب. وأضاف أن الحل قريب.',
     ['قال " الوزير إن الوضع صعب.', "وأضاف أن الحل قريب."]),
    ("Don't stop. It's fine.", ["Don't stop.", "It's fine."]),
    ("السطر الأول بلا نقطة\nالسطر الثاني.", ["السطر الأول بلا نقطة", "السطر الثاني."]),
    ("1. التعاون العسكري. ثم التجارة.", ["1. التعاون العسكري.", "ثم التجارة."]),
    ("١. التعاون العسكري", ["١. التعاون العسكري"]),
    ("زوروا example.com. ستجدون التفاصيل.", ["زوروا example.com.", "ستجدون التفاصيل."]),
    ("تشمل المجالات الأمن؛ والتجارة؛ والتعليم.", ["تشمل المجالات الأمن؛ والتجارة؛ والتعليم."]),
    ("الزراعة والصناعة والخدمات إلخ. وهذا يكفي.",
     ["الزراعة والصناعة والخدمات إلخ.", "وهذا يكفي."]),
    ("قال (وهو غاضب). ثم خرج.", ["قال (وهو غاضب).", "ثم خرج."]),
    ("", []),
    ("   \n  ", []),
]
SENTENCE_IDS = [
    "period", "question-exclamation-ellipsis", "three-dots", "question-exclamation-run",
    "arabic-comma-never", "decimal-3.5", "arabic-decimal-٣٫٥", "thousands-1.000",
    "arabic-indic-decimal-dot", "abbrev-doctor-د.", "initials-ج.م.ع-and-م.", "dotted-ق.م.",
    "english-initials-mr-us", "lowercase-continues", "russian-г-т.е-др", "inside-straight-quotes",
    "after-guillemet-quote", "inside-curly-quotes", "russian-guillemets", "unmatched-quote",
    "apostrophes-are-not-quotes", "line-end", "list-number-line-start", "arabic-list-number",
    "domain-name", "semicolon-in-paragraph", "etc-ends", "closing-bracket", "empty", "blank",
]


@pytest.mark.parametrize(("text", "expected"), SENTENCE_CASES, ids=SENTENCE_IDS)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_semicolon_ends_sentences_only_in_list_items() -> None:
    text = "تدريب القوات؛ توفير المعدات؛"
    assert split_sentences(text) == [text]
    assert split_sentences(text, list_item=True) == ["تدريب القوات؛", "توفير المعدات؛"]


# --- block features ---------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "langs"), [
    ("Ru En", ["ru", "en"]),
    ("Ar | En | Ru", ["ar", "en", "ru"]),
    ("العربية English Русский", ["ar", "en", "ru"]),
    ("FR / de", ["fr", "de"]),
    ("Русский", ["ru"]),
    ("روسيا اليوم", None),
    ("Ru En and more", None),
    ("تعزيز العلاقات", None),
], ids=["ru-en", "pipes", "names-three-scripts", "slash-lowercase", "one-name", "arabic-words",
        "extra-word", "heading"])
def test_chrome_languages(line: str, langs: list[str] | None) -> None:
    assert chrome_languages(line) == langs


@pytest.mark.parametrize(("line", "expected"), [
    ("٠٣ أبريل", True),
    ("3 ابريل/نيسان 2025", True),
    ("الخميس، 3 أبريل 2025", True),
    ("موسكو - ٣ أبريل ٢٠٢٥", True),
    ("الجمعة ١٥ رمضان ١٤٤٦ هـ", True),
    ("28 كانون الثاني 2024", True),
    ("2025-04-03", True),
    ("03/04/2025 12:30", True),
    ("April 3, 2025", True),
    ("3 апреля 2025 г.", True),
    ("أبريل", False),
    ("الخميس", False),
    ("في 6 سبتمبر/أيلول 2023، أسست هذه الدول الثلاث رسمياً تحالف دول الساحل", False),
    ("2025", False),
], ids=["seed-dateline", "two-month-series", "weekday", "place-prefix", "hijri", "levantine",
        "iso", "numeric-time", "english", "russian", "month-alone", "weekday-alone",
        "sentence-with-date", "year-alone"])
def test_is_dateline(line: str, expected: bool) -> None:
    assert is_dateline(line) is expected


@pytest.mark.parametrize(("line", "expected"), [
    ("الصورة: وزارة الخارجية الروسية", True),
    ("المصدر: تاس", True),
    ("تصوير: أحمد علي", True),
    ("Photo: Reuters", True),
    ("Source: TASS", True),
    ("Фото: ТАСС", True),
    ("© جميع الحقوق محفوظة", True),
    ("مصدر مطلع قال إن المحادثات مستمرة.", False),
    ("المصدر الرئيسي للدخل هو النفط.", False),
], ids=["photo-ar", "source-ar", "photographer", "photo-en", "source-en", "photo-ru", "copyright",
        "a-source-said", "source-as-word"])
def test_is_credit_line(line: str, expected: bool) -> None:
    assert is_credit_line(line) is expected


# --- roles ------------------------------------------------------------------------------------

P = "هذه فقرة طويلة نسبياً تتحدث عن موضوع مهم وتنتهي بنقطة كما ينبغي."
ROLE_CASES = [
    (f"Ru En\n\nعنوان الخبر هنا\n\n٠٣ أبريل\n\n{P}",
     ["chrome", "title", "dateline", "paragraph"]),
    (f"موسكو - ٣ أبريل\n\nعنوان بعد التاريخ\n\n{P}", ["dateline", "title", "paragraph"]),
    (f"{P}\n\nعنوان فرعي\n\n{P}", ["paragraph", "heading", "paragraph"]),
    (f"{P}\n\nالمحاور:\n\nالأمن؛\n\nالتجارة؛", ["paragraph", "heading", "list_item", "list_item"]),
    (f"{P}\n\nالأمن؛\n\nالتجارة والتعاون\n\nالطاقة والمياه\n\nالتعليم؛\n\n{P}",
     ["paragraph", "list_item", "list_item", "list_item", "list_item", "paragraph"]),
    (f"{P}\n\nعنوان فرعي\n\nالأمن؛\n\nالتعليم؛",
     ["paragraph", "heading", "list_item", "list_item"]),
    (f"{P}\n\nاسم الموقع الإخباري\n\nالصورة: رويترز\n\nالمصدر: تاس",
     ["paragraph", "credit", "credit", "credit"]),
    (f"{P}\n\nالمصدر: تاس\n\nاسم الموقع الإخباري", ["paragraph", "credit", "credit"]),
    (f"{P}\n\nسطر قصير في النهاية", ["paragraph", "paragraph"]),
    (f"عنوان\n\n{P}\n\nEn Ar", ["title", "paragraph", "chrome"]),
    ("سطر وحيد قصير", ["paragraph"]),
    (f"# عنوان المقال\n\n## قسم أول\n\n{P}\n\n- بند أول\n- بند ثان\n\n* بند ثالث",
     ["title", "heading", "paragraph", "list_item", "list_item", "list_item"]),
    (f"{P}\n• البند الأول\n• البند الثاني", ["paragraph", "list_item", "list_item"]),
    (f"{P}\n\n1. البند الأول.\n2. البند الثاني.", ["paragraph", "list_item", "list_item"]),
]
ROLE_IDS = ["chrome-title-dateline", "title-after-dateline", "heading", "colon-heading-list",
            "context-list-items", "heading-before-list", "trailing-site-name",
            "site-name-after-credit", "short-last-line-no-credit", "chrome-at-end",
            "lone-line-no-title", "markdown", "bullets-in-one-block", "numbered-items"]


@pytest.mark.parametrize(("text", "roles"), ROLE_CASES, ids=ROLE_IDS)
def test_roles(text: str, roles: list[str]) -> None:
    art = segment_text(text)
    assert [b.role.value for b in art.blocks] == roles


def test_markdown_markers_are_stripped_numbers_kept() -> None:
    art = segment_text(f"# عنوان المقال\n\n{P}\n\n- بند أول\n\n1. بند مرقم")
    assert [b.text for b in art.blocks] == ["عنوان المقال", P, "بند أول", "1. بند مرقم"]
    assert [(c.kind, c.count) for c in art.normalisation] == [("stripped_markdown_marker", 2)]


def test_ids_and_chrome_has_no_sentences() -> None:
    art = segment_text(f"Ru En\n\nعنوان الخبر\n\n{P} {P}\n\nالمصدر: تاس")
    assert [b.id for b in art.blocks] == ["p1", "p2", "p3", "p4"]
    assert art.blocks[0].sentences == [] and art.blocks[0].languages == ["ru", "en"]
    assert [s.id for s in art.sentences()] == ["p2.s1", "p3.s1", "p3.s2", "p4.s1"]
    assert art.languages == ["ru", "en"]


def test_long_sentence_gets_chunks_with_ids() -> None:
    words = " ".join(f"كلمة{i}،" if i % 10 == 9 else f"كلمة{i}" for i in range(300))
    art = segment_text(words, count_tokens=lambda s: len(s.split()), max_tokens=50)
    (sentence,) = art.sentences()
    assert [c.id for c in sentence.chunks][:2] == ["p1.s1.c1", "p1.s1.c2"]
    assert " ".join(c.text for c in sentence.chunks) == words
    assert all(len(c.text.split()) <= 50 for c in sentence.chunks)
    assert art.notes["chunked_sentences"] == 1
    assert segment_text(words, max_tokens=10_000).sentences()[0].chunks == []


@pytest.mark.parametrize("text", ["", "   ", "\u00a0\n\u00a0\n", "\u200f\u200e\n\t"],
                         ids=["empty", "spaces", "nbsp-lines", "only-invisible"])
def test_empty_input_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="is empty"):
        segment_text(text, source="a.txt")


# --- the seed article -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed():
    return segment_text(SEED.read_text(encoding="utf-8"), source=SEED.name)


def test_seed_blocks_and_chrome(seed) -> None:
    assert len(seed.blocks) == 26
    assert seed.blocks[0].role is Role.CHROME and seed.blocks[0].text == "Ru En"
    assert seed.blocks[0].languages == ["ru", "en"]
    assert len(seed.translatable_blocks) == 25


def test_seed_roles(seed) -> None:
    by_role: dict[str, list[str]] = {}
    for b in seed.blocks:
        by_role.setdefault(b.role.value, []).append(b.id)
    assert by_role["title"] == ["p2"] and seed.blocks[1].text.startswith("لافروف")
    assert by_role["dateline"] == ["p3"] and seed.blocks[2].text == "٠٣ أبريل"
    assert by_role["heading"] == ["p5", "p7", "p13"]
    assert [seed.blocks[int(i[1:]) - 1].text.split()[0] for i in by_role["heading"]] == [
        "تعزيز", "خلفية:", "مواضيع"]
    assert by_role["list_item"] == ["p14", "p15", "p16", "p17", "p18"]
    assert seed.blocks[16].text == "التجارة والتعاون الإنساني والشراكات الاقتصادية"
    assert by_role["credit"] == ["p24", "p25", "p26"]
    assert [seed.blocks[i].text for i in (24, 25)] == ["الصورة: وزارة الخارجية الروسية",
                                                      "المصدر: تاس"]
    assert set(by_role) == {"chrome", "title", "dateline", "heading", "list_item", "paragraph",
                            "credit"}


def test_seed_normalisation_and_notes(seed) -> None:
    kinds = {c.kind: c.count for c in seed.normalisation}
    assert kinds["nbsp_to_space"] > 0 and kinds["blank_whitespace_line"] > 0
    assert seed.notes["arabic_indic_digits"] == 2
    assert "يُجري" in seed.blocks[1].text  # diacritics kept


def test_seed_sentences(seed) -> None:
    p8 = seed.blocks[7]
    assert [s.id for s in p8.sentences] == ["p8.s1", "p8.s2"]
    assert p8.sentences[1].text.startswith("أدت المشاعر")
    assert all(not s.chunks for s in seed.sentences())


# --- CLI --------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_json() -> None:
    result = runner.invoke(app, ["segment", str(SEED)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["blocks"]) == 26
    first = data["blocks"][1]
    assert first["id"] == "p2" and first["role"] == "title"
    assert first["sentences"][0]["id"] == "p2.s1" and "لافروف" in first["sentences"][0]["text"]
    assert data["blocks"][0]["languages"] == ["ru", "en"]
    assert {c["kind"] for c in data["normalisation"]} >= {"nbsp_to_space"}
    assert "لافروف" in result.stdout  # ensure_ascii=False


def test_cli_text_from_stdin() -> None:
    text = f"Ru En\n\nعنوان الخبر\n\n{P} وجملة ثانية.\n"
    result = runner.invoke(app, ["segment", "-", "--format", "text"], input=text)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "p1\tchrome\tRu En",
        "p2.s1\ttitle\tعنوان الخبر",
        f"p3.s1\tparagraph\t{P}",
        "p3.s2\tparagraph\tوجملة ثانية.",
    ]


def test_cli_text_prints_chunks() -> None:
    words = " ".join(["كلمة"] * 120) + "."
    result = runner.invoke(app, ["segment", "-", "-f", "text", "--max-tokens", "60"], input=words)
    assert result.exit_code == 0, result.output
    ids = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert len(ids) > 1 and ids[0] == "p1.s1.c1"
    assert "".join(line.split("\t")[2] for line in result.stdout.splitlines()).replace(" ", "") \
        == words.replace(" ", "")


@pytest.mark.parametrize("text", ["", "  \n\u00a0\n"], ids=["empty", "whitespace"])
def test_cli_empty_input_exits_2(text: str) -> None:
    result = runner.invoke(app, ["segment", "-"], input=text)
    assert result.exit_code == 2
    assert "is empty" in result.output


def test_cli_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["segment", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2 and "no such file" in result.output


def test_cli_model_without_source_spm_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["segment", str(SEED), "--model", str(tmp_path)])
    assert result.exit_code == 2 and "source.spm" in result.output


def test_cli_counts_tokens_with_the_model_source_spm(tmp_path: Path) -> None:
    import io

    import sentencepiece as spm

    lines = [ln for ln in SEED.read_text(encoding="utf-8").splitlines() if len(ln.strip()) > 3]
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(lines), model_writer=buf,
                                   vocab_size=200, hard_vocab_limit=False, minloglevel=2,
                                   character_coverage=1.0, num_threads=1)
    (tmp_path / "source.spm").write_bytes(buf.getvalue())
    sp = spm.SentencePieceProcessor(model_proto=buf.getvalue())

    result = runner.invoke(app, ["segment", str(SEED), "--model", str(tmp_path),
                                 "--max-tokens", "40"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["notes"]["token_count"] == "tokenizer"
    chunks = [c["text"] for b in data["blocks"] for s in b["sentences"]
              for c in s.get("chunks", [])]
    assert chunks, "a 40-token limit must cut the seed's long sentences"
    assert all(len(sp.encode(c)) + 1 <= 40 for c in chunks)


@pytest.mark.parametrize(
    "markup, roles",
    [(False, ["title", "heading", "paragraph", "paragraph"]),
     (True, ["title", "paragraph", "paragraph", "paragraph"])],
    ids=["plain-text-guesses-heading", "markup-trusts-markers"],
)
def test_markup_input_takes_headings_from_markers_only(markup, roles):
    text = ("# لافروف يلتقي وزراء الساحل\n\nالقاهرة - أخبار الشرق\n\n"
            "وقّعت روسيا ومصر اتفاقية جديدة اليوم.\n\nوجرى التوقيع في القاهرة.")
    art = segment_text(text, markup=markup)
    assert [b.role.value for b in art.blocks] == roles


@pytest.mark.parametrize(("text", "lang"), [
    ("قال لافروف إن المحادثات مثمرة.", "ar"),
    ("Лавров заявил, что переговоры были плодотворными.", "ru"),
    ("Lavrov said the talks were fruitful.", "en"),
], ids=["ar", "ru", "en"])
def test_segment_text_records_the_language_it_is_given(text, lang):
    art = segment_text(text, lang=lang)
    assert art.lang == lang and art.to_dict()["lang"] == lang
    assert [s.text for s in art.sentences()] == [text]
