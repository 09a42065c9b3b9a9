"""`tarjama serve` under load and faults, each on a real server: a full queue (429), a client
that goes away, SIGTERM with a request in flight, API keys (403), and a corpus whose text is
hostile (the page and the JSON escape it; the page's CSP is kept, and sent as a header)."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from serve_kit import Server, sentences
from typer.testing import CliRunner

from translate.cli import app

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def slow_window(fixture_models, tmp_path_factory):
    """Batches wait 2 s for company, and at most two requests may wait."""
    s = Server(fixture_models, tmp_path_factory.mktemp("slow"), "--window-ms", "2000",
               "--max-queue", "2", "--max-batch", "1000")
    yield s
    s.stop()


def test_a_full_queue_answers_429_with_retry_after(slow_window):
    q = sentences()[0]

    def one(delay: float) -> httpx.Response:
        time.sleep(delay)
        return slow_window.post("/translate", data={"q": q, "source": "ar", "target": "en"})

    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(one, [0, 0.2, 0.6]))
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert int(answers[2].headers["retry-after"]) >= 1
    assert "Slowdown" in answers[2].json()["error"]
    assert answers[0].json() == answers[1].json()


def test_a_client_that_goes_away_costs_nothing(slow_window):
    cancelled = slow_window.metric("tarjama_requests_cancelled_total")
    decoded = slow_window.metric("tarjama_segments_translated_total")
    q = sentences()[1]
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{slow_window.url}/translate", timeout=0.5,
                   data={"q": q, "source": "ar", "target": "ru"})
    deadline = time.monotonic() + 20
    while slow_window.metric("tarjama_requests_cancelled_total") == cancelled:
        assert time.monotonic() < deadline, "the dropped request was never noticed"
        time.sleep(0.2)
    assert slow_window.metric("tarjama_segments_translated_total") == decoded
    assert slow_window.metric("tarjama_queue_depth") == 0
    r = slow_window.post("/translate", data={"q": q, "source": "ar", "target": "ru"})
    assert r.status_code == 200 and r.json()["translatedText"]


def test_sigterm_finishes_the_request_in_flight_and_exits_0(fixture_models, tmp_path):
    server = Server(fixture_models, tmp_path, "--window-ms", "1500", "--grace", "30")
    answers: list[httpx.Response] = []
    t = threading.Thread(target=lambda: answers.append(server.post(
        "/translate", data={"q": sentences()[0], "source": "ar", "target": "en"})))
    t.start()
    time.sleep(0.5)  # the request is waiting for its batch
    server.proc.terminate()
    time.sleep(0.5)
    with pytest.raises(httpx.TransportError):  # no new connections once stopping
        httpx.get(f"{server.url}/healthz", timeout=2)
    t.join(timeout=120)
    assert server.proc.wait(timeout=60) == 0, server.output()
    assert answers and answers[0].status_code == 200
    assert answers[0].json()["translatedText"].startswith("The foreign minister")


@pytest.fixture(scope="module")
def corpus(fixture_models, fixture_pairs, tmp_path_factory) -> Path:
    """A two-sentence article with its references, whose Arabic and source name then turn
    hostile (as text scraped from the web can be)."""
    root = tmp_path_factory.mktemp("corpus")
    ar = sentences()[0]
    article = root / "article.ar.txt"
    article.write_text(ar + "\n", encoding="utf-8")
    refs = []
    for lang, pairs in fixture_pairs.items():
        table = dict(pairs)
        ref = root / f"article.{lang}.txt"
        ref.write_text(" ".join(t for s, t in table.items() if s in ar) + "\n", encoding="utf-8")
        refs += ["--ref", f"{lang}={ref}"]
    db = root / "c.sqlite"
    result = CliRunner().invoke(app, [
        "corpus", "add", str(article), "--db", str(db), "--method", "bleu", "--beam", "1",
        *refs, "--backend", "transformers", "-q",
        *(x for k, p in fixture_models.items() for x in ("--model", f"{k}={p}"))])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as c:
        c.execute("UPDATE segments SET text = text || ? WHERE lang = 'ar'", (HOSTILE,))
        c.execute("UPDATE unit_sides SET text = text || ? WHERE lang = 'ar'", (HOSTILE,))
        c.execute("UPDATE articles SET source = ?", (f"{HOSTILE}.txt",))
    return db


@pytest.fixture(scope="module")
def keyed(fixture_models, corpus, tmp_path_factory):
    root = tmp_path_factory.mktemp("keyed")
    (root / "keys.txt").write_text("# one key a line\nsecond-key\n", encoding="utf-8")
    s = Server(fixture_models, root, "--api-key", "first-key", "--api-key",
               f"@{root / 'keys.txt'}", "--db", str(corpus))
    yield s
    s.stop()


@pytest.mark.parametrize(("how", "status"), [
    ({}, 403),
    ({"data": {"api_key": "wrong"}}, 403),
    ({"data": {"api_key": "first-key"}}, 200),
    ({"json": {"api_key": "second-key"}}, 200),
    ({"headers": {"Authorization": "Bearer second-key"}}, 200),
    ({"params": {"api_key": "first-key"}}, 200),
], ids=["none", "wrong", "form", "json-from-file", "bearer", "query"])
def test_api_keys(keyed, how, status):
    body = {"q": sentences()[0], "source": "ar", "target": "en"}
    kw = dict(how)
    kind = "json" if "json" in kw else "data"
    kw[kind] = {**body, **kw.get(kind, {})}
    r = keyed.post("/translate", **kw)
    assert r.status_code == status, r.text
    if status == 403:
        assert r.json() == {"error": "Invalid API key"}
    assert keyed.get("/languages").status_code == 200  # what a client reads first stays open
    assert keyed.get("/healthz").status_code == 200


def test_libretranslatepy_with_a_key(keyed):
    from libretranslatepy import LibreTranslateAPI

    got = LibreTranslateAPI(keyed.url, api_key="second-key").translate(sentences()[0], "ar", "en")
    assert got.startswith("The foreign minister")


def test_corpus_json_is_read_only_and_keeps_text_as_data(keyed, corpus):
    assert keyed.get("/v1/corpus/articles").status_code == 403
    rows = keyed.get("/v1/corpus/articles", params={"api_key": "first-key"}).json()
    assert [r["source"] for r in rows] == [f"{HOSTILE}.txt"]
    one = keyed.get(f"/v1/corpus/articles/{rows[0]['id']}",
                    params={"api_key": "first-key"}).json()
    assert HOSTILE in one["units"][0]["sides"]["ar"]["text"]
    assert one["units"][0]["pairs"]["ar-en"]["mt"].startswith("The foreign minister")
    assert keyed.get("/v1/corpus/articles/999", params={"api_key": "first-key"}
                     ).status_code == 404
    with sqlite3.connect(corpus) as c:  # nothing was written (no migration, no WAL change)
        assert c.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1


def test_the_page_escapes_everything_and_keeps_its_csp(keyed):
    rows = keyed.get("/v1/corpus/articles", params={"api_key": "first-key"}).json()
    r = keyed.get(rows[0]["page"], params={"api_key": "first-key"})
    assert r.status_code == 200
    page = r.text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(" in page
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert f'content="{r.headers["content-security-policy"]}"' in page
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not found (apt-get install "
                    "chromium)")
def test_the_page_served_opens_in_chromium_without_running_injected_code(keyed):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    rows = keyed.get("/v1/corpus/articles", params={"api_key": "first-key"}).json()
    url = f"{keyed.url}{rows[0]['page']}?api_key=first-key"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        dialogs: list[str] = []
        errors: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.wait_for_load_state("load")
        page.click('nav.switcher a[data-lang="en"]')
        assert page.locator("article#en").is_visible()
        assert not page.locator("article#ar").is_visible()
        assert HOSTILE in page.locator("article#ar").text_content()
        browser.close()
    assert dialogs == [] and errors == []
