"""`tarjama serve` over HTTP: LibreTranslate's API (and its own client), the /v1 API, limits.

One real server (uvicorn in a subprocess, loopback, a free port) with the overfit fixture
models serves the whole module; what it answers is compared with `tarjama translate`.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from serve_kit import Server, sentences
from typer.testing import CliRunner

from translate.cli import app

CHAR_LIMIT = 600
MAX_BODY = 20_000
runner = CliRunner()


@pytest.fixture(scope="module")
def server(fixture_models, tmp_path_factory):
    s = Server(fixture_models, tmp_path_factory.mktemp("serve"), "--window-ms", "150",
               "--char-limit", str(CHAR_LIMIT), "--max-body", str(MAX_BODY))
    yield s
    s.stop()


def cli_translate(fixture_models, tmp_path, text: str, lang: str, fmt: str = "text") -> str:
    src = tmp_path / "q.ar.txt"
    src.write_text(text, encoding="utf-8")
    result = runner.invoke(app, [
        "translate", str(src), "--to", lang, "-f", fmt, "--backend", "transformers",
        "--beam", "1", "--no-cache", "-q",
        *(x for k, p in fixture_models.items() for x in ("-m", f"{k}={p}"))])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_libretranslatepy_gets_what_tarjama_translate_writes(server, fixture_models, tmp_path,
                                                             lang):
    from libretranslatepy import LibreTranslateAPI

    text = "\n\n".join(sentences()[:2])  # two paragraphs, four sentences
    client = LibreTranslateAPI(server.url)
    got = client.translate(text, "ar", lang)
    assert got == cli_translate(fixture_models, tmp_path, text, lang).rstrip("\n")
    assert "\n\n" in got  # paragraphs kept, as the text format keeps them
    assert client.detect(sentences()[0])[0]["language"] == "ar"
    assert {x["code"] for x in client.languages()} >= {"ar", "en", "ru"}


def test_list_json_and_auto_source(server):
    q = sentences()[:2]
    r = server.post("/translate", json={"q": [*q, "2025"], "source": "auto", "target": "ru"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert len(out["translatedText"]) == 3
    assert out["translatedText"][2] == "2025"  # nothing to translate: given back
    assert all("Ð" not in t and t for t in out["translatedText"])
    assert out["detectedLanguage"][0]["language"] == "ar"
    one = server.post("/translate", data={"q": q[0], "source": "ar", "target": "ru"}).json()
    assert one["translatedText"] == out["translatedText"][0]


def test_html_keeps_markup_and_translates_text_nodes_only(server):
    s = sentences()[0]
    q = f'<p class="lead">{s} <b>&amp;</b></p><script>var x = "{s}";</script>'
    r = server.post("/translate", json={"q": q, "source": "ar", "target": "en",
                                        "format": "html"})
    assert r.status_code == 200, r.text
    html = r.json()["translatedText"]
    plain = server.post("/translate", json={"q": s, "source": "ar", "target": "en"}).json()
    assert html.startswith(f'<p class="lead">{plain["translatedText"]} <b>&amp;</b></p>')
    assert html.endswith(f'<script>var x = "{s}";</script>')  # scripts are not text


def test_v1_translate_is_the_json_translate_writes(server, fixture_models, tmp_path):
    text = "\n\n".join(sentences()[:2])
    r = server.post("/v1/translate", json={"text": text})
    assert r.status_code == 200, r.text
    want = json.loads(cli_translate(fixture_models, tmp_path, text, "en,ru", "json"))
    got = r.json()
    assert got["blocks"] == want["blocks"]
    assert got["languages"] == ["en", "ru"]
    assert set(got["meta"]["models"]) == {"ar-en", "ar-ru"}


def test_v1_align_and_score(server):
    beads = server.post("/v1/align", json={"src": ["a b c", "d e f g h"],
                                           "tgt": ["x y z", "u v w q r"]}).json()["beads"]
    assert [(b["src"], b["tgt"]) for b in beads] == [([0], [0]), ([1], [1])]
    scores = server.post("/v1/score", json={
        "hyp": ["Министр заявил.", "the cat"], "refs": [["Министр заявил.", "the cat sat"]],
        "sentence": True}).json()
    assert scores["scores"][0]["name"] == "BLEU" and "tok:13a" in scores["scores"][0]["signature"]
    assert scores["sentences"][0]["line"] == 2  # worst first


@pytest.mark.parametrize(("kind", "body", "status", "message"), [
    ("json", {"source": "ar", "target": "en"}, 400, "Invalid request: missing q parameter"),
    ("json", {"q": "x", "target": "en"}, 400, "Invalid request: missing source parameter"),
    ("json", {"q": "قال", "source": "ar", "target": "de"}, 400,
     "de is not supported; language pairs: ar-en, ar-ru"),
    ("json", {"q": "قال", "source": "fr", "target": "en"}, 400, "fr is not supported"),
    ("json", {"q": "قال", "source": "ar", "target": "en", "format": "xml"}, 400,
     "xml format is not supported"),
    ("json", {"q": "قال " * 200, "source": "ar", "target": "en"}, 400,
     f"exceeds character limit ({CHAR_LIMIT})"),
    ("json", {"q": "Привет, как дела у вас сегодня", "source": "ar", "target": "en"}, 400,
     "not Arabic"),
    ("raw", b'{"q": "x", "source":', 400, "Invalid JSON format"),
    ("raw", b'["not", "an", "object"]', 400, "Invalid JSON format"),
    ("raw", b'{"q": "' + b"a" * MAX_BODY + b'"}', 413, f"larger than {MAX_BODY} bytes"),
], ids=["no-q", "no-source", "unknown-target", "unknown-source", "format", "char-limit",
        "not-arabic", "malformed-json", "json-not-object", "body-size"])
def test_bad_requests_get_error_json(server, kind, body, status, message):
    if kind == "json":
        r = server.post("/translate", json=body)
    else:
        r = server.post("/translate", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert message in r.json()["error"]
    assert "Traceback" not in r.text


@pytest.mark.parametrize(("path", "body", "message"), [
    ("/v1/translate", b'{"text": ', "Invalid JSON format"),
    ("/v1/translate", b'{"txt": "x"}', "text: Field required"),
    ("/v1/score", b'{"hyp": ["a"], "refs": [["a", "b"]]}', "line"),
    ("/v1/score", b'{"hyp": ["a"], "refs": [["a"]], "metrics": ["nope"]}', "unknown metric"),
], ids=["malformed", "missing-field", "line-counts", "metric"])
def test_v1_errors_are_400_json(server, path, body, message):
    r = server.post(path, content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert message in r.json()["error"]


def test_without_db_the_corpus_is_404_json(server):
    r = server.get("/v1/corpus/articles")
    assert r.status_code == 404 and "--db" in r.json()["error"]


def test_concurrent_requests_share_batches_and_repeats_come_from_the_cache(server):
    batches = server.metric("tarjama_batch_requests_count")
    requests = server.metric("tarjama_batch_requests_sum")
    qs = [f"{s} {n}" for n, s in enumerate(sentences()[:1] * 6)]  # 6 different texts

    def one(q: str) -> int:
        return server.post("/translate", data={"q": q, "source": "ar", "target": "en"}
                           ).status_code

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(one, qs)) == [200] * 6
    new_batches = server.metric("tarjama_batch_requests_count") - batches
    assert server.metric("tarjama_batch_requests_sum") - requests == 6
    assert new_batches < 6  # some requests were decoded together
    decoded = server.metric("tarjama_segments_translated_total")
    hits = server.metric("tarjama_cache_hits_total")
    assert one(qs[0]) == 200
    assert server.metric("tarjama_segments_translated_total") == decoded
    assert server.metric("tarjama_cache_hits_total") > hits


def test_health_metrics_docs(server):
    health = server.get("/healthz").json()
    assert health["status"] == "ready" and set(health["models"]) == {"ar-en", "ar-ru"}
    text = server.get("/metrics").text
    for series in ("tarjama_requests_total", "tarjama_request_seconds_bucket",
                   "tarjama_batch_segments_bucket", "tarjama_queue_depth",
                   "tarjama_tokens_per_second", "tarjama_output_tokens_total"):
        assert series in text
    assert server.get("/docs").status_code == 200
    paths = server.get("/openapi.json").json()["paths"]
    assert {"/translate", "/languages", "/detect", "/v1/translate", "/v1/align", "/v1/score",
            "/v1/corpus/articles", "/page/{article_id}", "/healthz", "/metrics"} <= set(paths)
    settings = server.get("/frontend/settings").json()
    assert settings["charLimit"] == CHAR_LIMIT and settings["apiKeys"] is False


# --- the pieces, without a server ------------------------------------------------------------
@pytest.mark.parametrize(("fragment", "texts"), [
    ("<p>قال الوزير</p>", ["قال الوزير"]),
    ('<a href="x?a=1&amp;b=2">سلام &amp; حرب</a>', ["سلام & حرب"]),
    ("<style>p{}</style><pre>كود</pre>نص", ["نص"]),
    ("<!-- تعليق --><br/>مرحبا", ["مرحبا"]),
], ids=["paragraph", "entities", "raw-elements", "comment"])
def test_markup_translates_text_nodes_only(fragment, texts):
    from translate.serve.markup import join_nodes, split_nodes

    doc = split_nodes(fragment)
    assert [p for p, ok in doc if ok and p.strip()] == texts
    assert join_nodes(doc, [p for p, _ in doc]) == fragment  # nothing else changes


@pytest.mark.parametrize(("values", "keys"), [
    (["k1", "k2"], {"k1", "k2"}),
    (["@FILE"], {"ключ", "k3"}),
    (None, set()),
], ids=["repeated", "file", "none"])
def test_api_keys_from_options_and_files(tmp_path, values, keys):
    from translate.serve.server import read_api_keys

    path = tmp_path / "keys.txt"
    path.write_text("# comment\nключ\n\n  k3  \n", encoding="utf-8")
    values = [v.replace("FILE", str(path)) for v in values] if values else values
    assert read_api_keys(values) == keys


def test_a_model_that_cannot_load_stops_the_server_with_one_line(tmp_path):
    import os
    import subprocess
    import sys

    from serve_kit import ROOT, free_port

    done = subprocess.run(
        [sys.executable, "-m", "translate", "serve", "-m", f"en={tmp_path / 'no-model'}",
         "--port", str(free_port())], capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("tarjama: error: model ")
    assert "Traceback" not in done.stderr


def test_serve_without_the_extra_says_what_to_install(monkeypatch):
    import sys

    from translate.errors import MissingExtraError
    from translate.serve.server import serve
    from translate.serve.settings import ServeSettings

    monkeypatch.setitem(sys.modules, "uvicorn", None)
    with pytest.raises(MissingExtraError, match=r"tarjama\[serve\]"):
        serve(ServeSettings())
