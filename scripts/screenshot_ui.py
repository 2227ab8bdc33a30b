"""Take docs/ui.png: the web page answering a real question, in Debian's headless Chromium (Playwright).

    .venv/bin/python scripts/screenshot_ui.py                      # serves the champion of this project's store
    .venv/bin/python scripts/screenshot_ui.py --url http://127.0.0.1:3000   # or uses a running server
    .venv/bin/python scripts/screenshot_ui.py --records            # the Records tab: docs/records.png

Without ``--url`` it starts ``asepred serve`` on a free port (the store is ASEPRED_HOME / MLFLOW_TRACKING_URI, as for
every command; run ``asepred train`` first), and stops it afterwards.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image
from playwright.sync_api import Locator, Page, sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script: bench/ is importable from the project folder
from bench.servers import ASEPRED, CHROMIUM, CHROMIUM_FLAGS, free_port, running  # noqa: E402


@contextmanager
def served(url: str | None) -> Iterator[str]:
    """``url`` if given; else a fresh ``asepred serve`` on a free port, stopped (its whole process group) at exit."""
    if url:
        yield url.rstrip("/")
        return
    port = free_port()
    with running([*ASEPRED, "serve", "--port", str(port)], port, "/readyz", timeout_s=120) as server:
        yield server.url


#: The sample asked about, and measured as the reference: the page's labels and what goes in them.
SAMPLE = {
    "Formula": "PEA2MA2Pb3Br10",
    "Dimensionality": "quasi-2D",
    "Spacer cation": "PEA",
    "n (inorganic layers)": "3",
    "Pump wavelength (nm)": "400",
}
CHOICES = {"Dimensionality", "Engineering strategy"}  # <select>s; the other fields are typed in


def fill(part: Locator, values: dict[str, str]) -> None:
    for label, value in values.items():
        if label in CHOICES:
            part.get_by_label(label).select_option(value)
        else:
            part.get_by_label(label).fill(value)


def ask(page: Page) -> None:
    """A scientist's question: a quasi-2D PEA bromide (n = 3), anchored to a sample measured in the same lab."""
    fill(page.locator("#record-fields"), {**SAMPLE, "Engineering strategy": "additive"})
    page.get_by_text("Your reference sample (optional)").click()
    page.get_by_label("Anchor the answer to this sample").check()
    fill(page.locator("#reference-fields"), {**SAMPLE, "Measured threshold": "20"})
    page.get_by_role("button", name="Predict").click()
    page.wait_for_selector("#answer:not([hidden])")
    page.evaluate("window.scrollTo(0, 0)")


def browse(page: Page) -> None:
    """The Records tab: the bromides, one record opened from the landscape chart."""
    page.wait_for_selector("body[data-records-ready=true]")
    page.get_by_role("tab", name="Records").click()
    page.wait_for_selector("#records-view[data-loaded]")
    with page.expect_response(lambda r: "halide=Br" in r.url):
        page.locator("#records-filters").get_by_label("Halide (X site)").select_option("Br")
    page.wait_for_function("() => (document.getElementById('records-view').dataset.query || '').includes('halide=Br')")
    # a film whose quote holds <sub>/<sup> markup (rendered as sub- and superscripts); points may overlap, so the
    # click is dispatched to the point itself
    marked = page.locator("#landscape-svg g.point.ase", has=page.locator("xpath=self::*[@data-record-id='bulk-009']"))
    (marked if marked.count() else page.locator("#landscape-svg g.point.ase").first).dispatch_event("click")
    page.wait_for_selector("#record-detail:not([hidden])")
    page.evaluate("window.scrollTo(0, 0)")


def compact(path: Path) -> None:
    """256 colours without dithering: the page is flat colours and text, and the PNG a third of the size."""
    with Image.open(path) as shot:
        palette = shot.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    palette.save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running asepred server (default: start one)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "ui.png", help="where to write the PNG")
    parser.add_argument("--height", type=int, default=1250, help="viewport height, px (the shot is the viewport)")
    parser.add_argument("--records", action="store_true", help="the Records tab instead (docs/records.png)")
    args = parser.parse_args()
    if args.records and args.out == REPO / "docs" / "ui.png":
        args.out = REPO / "docs" / "records.png"
    with served(args.url) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": args.height})
        page.goto(f"{url}/ui")
        page.wait_for_selector("body[data-ready=true]")
        browse(page) if args.records else ask(page)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out))
        browser.close()
    compact(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
