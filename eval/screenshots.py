"""Screenshots of the seed article's reading page, one per language, for README.

Trains overfit fixture models on the seed pairs (tests/data/seed_pairs.ar-{en,ru}.tsv) unless
they are already in --models, translates the seed article with them, renders the page with
tarjama's html renderer (the footer says the models are fixtures), and photographs it in
headless Chromium (Debian's /usr/bin/chromium driven by Playwright; no browser is downloaded).

    .venv/bin/python eval/screenshots.py                 # writes docs/screenshots/seed-*.png

Fixture models reproduce their training pairs exactly, so the English and Russian shown are the
hand-written references the pairs were made from, not what opus-mt would write.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "lavrov-sahel-2025-04-03.ar.txt"
PAIRS = {lang: ROOT / "tests" / "data" / f"seed_pairs.ar-{lang}.tsv" for lang in ("en", "ru")}
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NOTE = ("Fixture models: these English and Russian texts come from tiny models trained by "
        "`tarjama models fixture overfit` to reproduce the seed's reference translations; "
        "they demonstrate the page, not opus-mt's quality.")


def build_models(models: Path) -> dict[str, Path]:
    from translate.models.fixture import read_pairs_tsv, train_overfit

    out = {}
    for lang, pairs in PAIRS.items():
        d = models / f"seed-ar-{lang}"
        if not (d / "config.json").is_file():
            print(f"training fixture model ar-{lang} into {d} ...", file=sys.stderr)
            train_overfit(read_pairs_tsv(pairs), d, target_lang=lang)
        out[lang] = d
    return out


def render(models: dict[str, Path]) -> str:
    from translate.pipeline import load_engines, make_plan, translate_articles
    from translate.render.html import render_page
    from translate.segment import segment_text

    plan = make_plan(["en", "ru"], {k: str(v) for k, v in models.items()},
                     backend="transformers")
    engines = load_engines(plan)
    art = segment_text(SEED.read_text(encoding="utf-8"), source=SEED.name)
    translate_articles([art], plan, engines)
    # Model ids of local fixtures are their directory names; say plainly what they are.
    assert art.run is not None
    art.run.models = {k: f"tarjama fixture (overfit on seed pairs): {Path(v).name}"
                      for k, v in art.run.models.items()}
    art.run.note = NOTE
    return render_page(art, ["en", "ru"])


def shoot(page_html: str, out: Path, width: int, height: int) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        page_file = Path(tmp) / "seed.html"
        page_file.write_text(page_html, encoding="utf-8")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(viewport={"width": width, "height": height},
                                  device_scale_factor=1, color_scheme="light")
        page = ctx.new_page()
        for view in ("ar", "en", "ru", "aligned"):
            page.goto(f"{page_file.as_uri()}#{view}")
            page.wait_for_load_state("load")
            if view == "aligned":
                page.set_viewport_size({"width": 1400, "height": height})
                # Show the editor's tools at work: a flagged segment, hovered.
                flagged = page.locator("section#aligned .unit:has(.badge)").first
                if flagged.count():
                    flagged.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top"
                                     " + window.scrollY - 260)")
                    flagged.hover()
            target = out / f"seed-{view}.png"
            page.screenshot(path=str(target), full_page=view != "aligned")
            written.append(target)
        browser.close()
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", type=Path, default=ROOT / "models" / "fixtures",
                    help="where the seed fixture models are kept (built when missing)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--html", type=Path, help="also keep the rendered page here")
    ap.add_argument("--page", type=Path, help="photograph this rendered page (from --html) "
                    "instead of translating again")
    ap.add_argument("--width", type=int, default=1000)
    ap.add_argument("--height", type=int, default=1100)
    a = ap.parse_args()
    page = a.page.read_text(encoding="utf-8") if a.page else render(build_models(a.models))
    if a.html:
        a.html.parent.mkdir(parents=True, exist_ok=True)
        a.html.write_text(page, encoding="utf-8")
    for path in shoot(page, a.out, a.width, a.height):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
