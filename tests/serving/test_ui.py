"""The web page at /ui in a real browser (Debian's headless Chromium driven by Playwright) against a real server."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from asepred.cli.main import app
from tests.conftest import _isolate
from tests.serving.conftest import serving

pytestmark = pytest.mark.slow


@contextmanager
def opened(browser: Any, url: str) -> Iterator[Any]:
    """A fresh page on ``url``/ui, loaded; fails the test on any uncaught JavaScript error, or on any request that
    leaves the server (the page must work offline: no CDN, no external fonts)."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    elsewhere: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:")) else elsewhere.append(r.url))
    page.goto(f"{url}/ui")
    page.wait_for_selector("body[data-ready=true]")
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not elsewhere, f"the page asked for something off the server: {elsewhere}"


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    with opened(browser, live_server) as page:
        yield page


@pytest.fixture(scope="module")
def boosted_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose champion is not constant (xgboost competes alone), so /explain has contributions."""
    from asepred.training.settings import Settings
    from asepred.training.train import train

    home = tmp_path_factory.mktemp("boosted")
    with pytest.MonkeyPatch.context() as mp:
        _isolate(home, mp)
        train(Settings(candidates=("xgboost",), seeds=(0,), n_trials=0, learning_curve=False))
    with serving(home, home / "serve.log") as server:
        yield server.url


def record_fields(page: Any) -> Any:
    return page.locator("#record-fields")


def reference_fields(page: Any) -> Any:
    """Open the optional reference part, switch it on, and return its fields."""
    page.get_by_text("Your reference sample (optional)").click()
    page.get_by_label("Anchor the answer to this sample").check()
    return page.locator("#reference-fields")


def fill_quasi_2d(page: Any) -> None:
    form = record_fields(page)
    form.get_by_label("Formula").fill("PEA2MA2Pb3Br10")
    form.get_by_label("Dimensionality").select_option("quasi-2D")
    form.get_by_label("Spacer cation").fill("PEA")
    form.get_by_label("n (inorganic layers)").fill("3")
    form.get_by_label("Pump pulse").select_option("fs")
    form.get_by_label("Pump wavelength (nm)").fill("400")
    form.get_by_label("Temperature (K)").fill("295")


def submit_and_read(page: Any) -> dict:
    """Click Predict; the service's JSON answer that the page received."""
    with page.expect_response(lambda r: r.url.endswith("/predict")) as answer:
        page.get_by_role("button", name="Predict").click()
    assert answer.value.status == 200, answer.value.text()
    page.wait_for_selector("#answer:not([hidden])")
    return answer.value.json()


def test_the_form_answers_with_the_prediction_its_interval_and_evidence(page: Any) -> None:
    fill_quasi_2d(page)
    prediction = submit_and_read(page)["predictions"][0]

    shown = float(page.locator("#threshold").inner_text())
    assert shown == pytest.approx(prediction["threshold_uj_cm2"], rel=1e-3)
    low, high = prediction["interval_uj_cm2"]
    interval = page.locator("#interval").inner_text()
    assert "90 %" in interval and f"{low:.3g}" in interval and f"{high:.3g}" in interval
    domain = page.locator("#in-domain").inner_text()
    assert ("In domain" in domain) == prediction["in_domain"]

    evidence = prediction["evidence"]
    assert evidence, "the service returned no evidence for a quasi-2D PEA bromide, which the record holds"
    rows = page.locator("#evidence-table tbody tr")
    assert rows.count() == len(evidence)
    first = rows.nth(0).inner_text()
    assert evidence[0]["material"] in first and evidence[0]["source"] in first
    for item in evidence:
        if item["link"]:
            assert page.locator(f'#evidence-table a[href="{item["link"]}"]').count() >= 1
    plotted = [e for e in evidence if e["threshold_uj_cm2"]]
    assert page.locator("#axis-svg g.evidence circle").count() == len(plotted)

    assert page.locator("#explanation-note").inner_text()  # the session's champion is constant: its note, no bars

    card = page.locator("#model-card")
    assert "ase-threshold version" in card.inner_text()
    assert "decades" in page.locator("#meaning").inner_text()


def test_the_largest_contributions_of_a_boosted_model_are_a_bar_chart(browser: Any, boosted_server: str) -> None:
    with opened(browser, boosted_server) as page:
        fill_quasi_2d(page)
        with page.expect_response(lambda r: r.url.endswith("/explain")) as why:
            submit_and_read(page)
        explanation = why.value.json()["explanations"][0]
        contributions = explanation["contributions"]
        assert contributions, "a boosted model explains itself with contributions"
        bars = page.locator("#explanation-svg g.contribution")
        bars.first.wait_for()
        assert bars.count() == min(8, len(contributions))
        for i, c in enumerate(contributions[: bars.count()]):
            bar = bars.nth(i)
            assert c["feature"] in bar.locator("title").text_content()
            assert bar.locator("rect.bar.up" if c["contribution"] > 0 else "rect.bar.down").count() == 1
        assert "move it to" in page.locator("#explanation-note").inner_text()


def test_a_reference_sample_adds_the_anchored_answer(page: Any) -> None:
    fill_quasi_2d(page)
    reference = reference_fields(page)
    reference.get_by_label("Formula").fill("CsPbBr3")
    reference.get_by_label("Dimensionality").select_option("3D film")
    reference.get_by_label("Measured threshold").fill("12")
    prediction = submit_and_read(page)["predictions"][0]

    assert prediction["anchored"] is not None
    shown = float(page.locator("#anchored-threshold").inner_text())
    assert shown == pytest.approx(prediction["anchored"]["threshold_uj_cm2"], rel=1e-3)
    assert page.locator("#absolute-answer").is_visible() and page.locator("#anchored-answer").is_visible()
    assert page.locator("#axis-svg g.anchored circle").count() == 1


def test_a_bad_formula_shows_its_message_beside_the_formula_field(page: Any) -> None:
    form = record_fields(page)
    page.get_by_role("button", name="Predict").click()  # nothing filled in: said beside each required field
    assert "formula" in page.locator("#material-error").inner_text()
    assert "dimensionality" in page.locator("#dimensionality-error").inner_text()

    form.get_by_label("Formula").fill("CsPbXx3")
    form.get_by_label("Dimensionality").select_option("3D film")
    with page.expect_response(lambda r: r.url.endswith("/predict")) as answer:
        page.get_by_role("button", name="Predict").click()
    assert answer.value.status == 422

    message = page.locator("#material-error")
    message.wait_for()
    assert "Xx" in message.inner_text()
    formula = form.get_by_label("Formula")
    assert formula.get_attribute("aria-invalid") == "true"
    assert "material-error" in formula.get_attribute("aria-describedby")
    assert page.evaluate("document.activeElement.id") == "material"
    assert page.locator("#answer").is_hidden()
    assert page.locator("#form-error").inner_text() == ""
    assert "Traceback" not in page.content()


def test_schema_errors_land_beside_their_fields_too(page: Any) -> None:
    form = record_fields(page)
    form.get_by_label("Formula").fill("CsPbBr3")
    form.get_by_label("Dimensionality").select_option("3D film")
    form.get_by_label("n (inorganic layers)").fill("0")
    reference = reference_fields(page)
    reference.get_by_label("Formula").fill("CsPbBr3")
    reference.get_by_label("Dimensionality").select_option("3D film")
    reference.get_by_label("Measured threshold").fill("-5")
    with page.expect_response(lambda r: r.url.endswith("/predict")) as answer:
        page.get_by_role("button", name="Predict").click()
    assert answer.value.status == 400

    page.locator("#n-layers-error").wait_for()
    assert "greater than or equal to 1" in page.locator("#n-layers-error").inner_text()
    assert "greater than 0" in page.locator("#ref-threshold-uj-cm2-error").inner_text()
    assert page.locator("#material-error").inner_text() == ""


def test_a_bad_reference_formula_shows_beside_the_reference_formula(page: Any) -> None:
    fill_quasi_2d(page)
    reference = reference_fields(page)
    reference.get_by_label("Formula").fill("CsPbQ3")
    reference.get_by_label("Dimensionality").select_option("3D film")
    reference.get_by_label("Measured threshold").fill("12")
    with page.expect_response(lambda r: r.url.endswith("/predict")) as answer:
        page.get_by_role("button", name="Predict").click()
    assert answer.value.status == 422

    page.locator("#ref-material-error").wait_for()
    assert "Q" in page.locator("#ref-material-error").inner_text()
    assert page.locator("#material-error").inner_text() == ""
    assert page.evaluate("document.activeElement.id") == "ref-material"


def test_every_field_has_a_label_and_the_form_works_from_the_keyboard(page: Any) -> None:
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('input, select')].filter(e => e.labels.length === 0).map(e => e.id || e.name)"
    )
    assert unlabelled == []

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "view-predict"  # the Predict | Records views come first
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "tab-single"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "material"
    page.keyboard.type("CsPbBr3")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "dimensionality"
    page.keyboard.type("3D")  # type-ahead on the focused select
    assert page.locator("#dimensionality").input_value() == "3D film"
    page.keyboard.press("Shift+Tab")
    with page.expect_response(lambda r: r.url.endswith("/predict")):
        page.keyboard.press("Enter")
    page.wait_for_selector("#answer:not([hidden])")
    assert float(page.locator("#threshold").inner_text()) > 0

    page.locator("#tab-single").focus()
    page.keyboard.press("ArrowRight")
    assert page.locator("#tab-batch").get_attribute("aria-selected") == "true"
    assert page.locator("#panel-batch").is_visible() and page.locator("#panel-single").is_hidden()


BATCH = [
    {"record_id": "b1", "material": "CsPbBr3", "dimensionality": "3D film", "pump_pulse": "fs", "temperature_k": "295"},
    {
        "record_id": "b2",
        "material": "PEA2MA2Pb3Br10",
        "dimensionality": "quasi-2D",
        "spacer": "PEA",
        "n_layers": "3",
        "strategy": "phase",
        "pump_wavelength_nm": "400",
        "reference": 'Our notebook 12, p. 34, "film B"',  # a quoted cell with commas: parsed, then ignored
    },
    {"record_id": "b3", "material": "CsPbI3", "dimensionality": "nanocrystal", "pump_pulse": "ns"},
]


def test_a_three_row_csv_round_trips_through_the_batch_tab(page: Any, tmp_path: Path) -> None:
    upload = tmp_path / "lab.csv"
    result = CliRunner().invoke(app, ["data", "template", str(upload)])
    assert result.exit_code == 0, result.output
    header = upload.read_text().splitlines()[0].split(",")
    with upload.open("a", newline="") as f:
        csv.DictWriter(f, fieldnames=header).writerows(BATCH)

    page.get_by_role("tab", name="Batch (CSV)").click()
    page.get_by_label("CSV of records").set_input_files(str(upload))
    with page.expect_response(lambda r: r.url.endswith("/predict")) as answer:
        page.get_by_role("button", name="Predict all rows").click()
    assert answer.value.status == 200, answer.value.text()
    predictions = answer.value.json()["predictions"]
    assert len(predictions) == 3

    rows = page.locator("#batch-results tbody tr")
    rows.first.wait_for()
    assert rows.count() == 3
    for i, record in enumerate(BATCH):
        assert record["material"] in rows.nth(i).inner_text()

    with page.expect_download() as download:
        page.get_by_role("button", name="Download answers as CSV").click()
    saved = tmp_path / "answers.csv"
    download.value.save_as(saved)
    with saved.open(newline="") as f:
        answers = list(csv.DictReader(f))
    assert len(answers) == 3
    assert [a["material"] for a in answers] == [r["material"] for r in BATCH]
    assert [a["record_id"] for a in answers] == ["b1", "b2", "b3"]  # carried through, to join back
    assert answers[1]["spacer"] == "PEA" and answers[1]["n_layers"] == "3"
    for a, p in zip(answers, predictions, strict=True):
        assert float(a["threshold_uj_cm2"]) == pytest.approx(p["threshold_uj_cm2"])
        assert float(a["lower_uj_cm2"]) < float(a["threshold_uj_cm2"]) < float(a["upper_uj_cm2"])


def test_a_batch_row_error_names_its_row(page: Any, tmp_path: Path) -> None:
    upload = tmp_path / "bad.csv"
    upload.write_text("record_id,material,dimensionality,notes\nr1,CsPbBr3,3D film,ok\nr2,CsPbXx3,3D film,typo\n")
    page.get_by_role("tab", name="Batch (CSV)").click()
    page.get_by_label("CSV of records").set_input_files(str(upload))
    page.get_by_role("button", name="Predict all rows").click()
    message = page.locator("#batch-file-error")
    message.wait_for()
    assert "Record 2 (r2)" in message.inner_text() and "Xx" in message.inner_text()
    assert page.locator("#batch-answer").is_hidden()


def test_only_web_links_become_links_whatever_the_answer_says(page: Any) -> None:
    """The service refuses other links at validation; the page does not trust that either."""
    import json

    def answered(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        unsafe = ["javascript:alert(1)", "data:text/html,<b>x</b>"]
        for prediction in body["predictions"]:
            for e, link in zip(prediction["evidence"], unsafe, strict=False):
                e["link"] = link
        route.fulfill(response=response, body=json.dumps(body))

    page.route("**/predict", answered)
    fill_quasi_2d(page)
    page.get_by_role("button", name="Predict").click()
    page.wait_for_selector("#answer:not([hidden])")
    hrefs = page.locator("#evidence-table a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
    assert "javascript:" not in page.locator("#evidence-table").inner_html()


def test_a_downloaded_cell_never_runs_as_a_formula(page: Any, tmp_path: Path) -> None:
    upload = tmp_path / "lab.csv"
    upload.write_text(
        'record_id,material,dimensionality\n"=HYPERLINK(""http://example.org"",""click"")",CsPbBr3,3D film\n'
        "@SUM(1),CsPbBr3,nanocrystal\n"
    )
    page.get_by_role("tab", name="Batch (CSV)").click()
    page.get_by_label("CSV of records").set_input_files(str(upload))
    page.get_by_role("button", name="Predict all rows").click()
    page.locator("#batch-results tbody tr").first.wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download answers as CSV").click()
    saved = tmp_path / "answers.csv"
    download.value.save_as(saved)
    with saved.open(newline="") as f:
        answers = list(csv.DictReader(f))
    assert [a["record_id"] for a in answers] == ['\'=HYPERLINK("http://example.org","click")', "'@SUM(1)"]
    assert all(not a["material"].startswith("'") for a in answers)
    assert float(answers[0]["threshold_uj_cm2"]) > 0  # numbers stay numbers


def test_a_strategy_shows_its_published_pairs(page: Any) -> None:
    form = record_fields(page)
    form.get_by_label("Formula").fill("CsPbBr3")
    form.get_by_label("Dimensionality").select_option("nanocrystal")
    form.get_by_label("Engineering strategy").select_option("ligand")
    paired = submit_and_read(page)["predictions"][0]["paired_evidence"]
    summary = page.locator("#paired-summary").inner_text()
    assert "lowered the threshold in 1 of 1 published comparison" in summary
    rows = page.locator("#paired-comparisons tbody tr")
    assert rows.count() == len(paired["comparisons"]) == 1
    assert "×0.3" in rows.first.inner_text() and "seed-t04" in rows.first.inner_text()
