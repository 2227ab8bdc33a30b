"""Take docs/ui.png: the web page answering a real question, in Debian's headless Chromium (Playwright).

    .venv/bin/python scripts/screenshot_ui.py                      # serves the champion of this project's store
    .venv/bin/python scripts/screenshot_ui.py --url http://127.0.0.1:3000   # or uses a running server
    .venv/bin/python scripts/screenshot_ui.py --records            # the Records tab: docs/records.png

Without ``--url`` it starts ``asepred serve`` on a free port (the store is ASEPRED_HOME / MLFLOW_TRACKING_URI, as for
every command; run ``asepred train`` first), and stops it afterwards.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from PIL import Image
from playwright.sync_api import Page, sync_playwright

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    """A free port on 127.0.0.1 BELOW the kernel's ephemeral range: BentoML's supervisor reserves its own control
    ports by binding port 0 (an ephemeral port), so a server port picked the same way can collide with one of them
    while the server starts (seen: ZMQError "Address already in use" on the HTTP port)."""
    for port in random.sample(range(20_000, 32_768), 200):  # Linux's ephemeral range starts at 32768
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


@contextmanager
def served(url: str | None) -> Iterator[str]:
    """``url`` if given; else a fresh ``asepred serve`` on a free port, stopped (its whole process group) at exit."""
    if url:
        yield url.rstrip("/")
        return
    port = _free_port()
    command = [sys.executable, "-c", "from asepred.core.cli import app; app()", "serve", "--port", str(port)]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise SystemExit(f"asepred serve exited: {process.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the server was not ready in 120 s")
            time.sleep(0.3)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)


def ask(page: Page) -> None:
    """A scientist's question: a quasi-2D PEA bromide (n = 3), anchored to a sample measured in the same lab."""
    form = page.locator("#record-fields")
    form.get_by_label("Formula").fill("PEA2MA2Pb3Br10")
    form.get_by_label("Dimensionality").select_option("quasi-2D")
    form.get_by_label("Spacer cation").fill("PEA")
    form.get_by_label("n (inorganic layers)").fill("3")
    form.get_by_label("Engineering strategy").select_option("additive")
    form.get_by_label("Pump wavelength (nm)").fill("400")
    page.get_by_text("Your reference sample (optional)").click()
    page.get_by_label("Anchor the answer to this sample").check()
    reference = page.locator("#reference-fields")
    reference.get_by_label("Formula").fill("PEA2MA2Pb3Br10")
    reference.get_by_label("Dimensionality").select_option("quasi-2D")
    reference.get_by_label("Spacer cation").fill("PEA")
    reference.get_by_label("n (inorganic layers)").fill("3")
    reference.get_by_label("Pump wavelength (nm)").fill("400")
    reference.get_by_label("Measured threshold").fill("20")
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
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
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
