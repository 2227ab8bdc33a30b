"""The Plan view of /ui in a real browser (Debian's headless Chromium through Playwright) against a real server: a lab
CSV parsed by the page and sent to POST /suggest with the bundled example space, the suggested batch with its
surrogate and MLflow run, a measurement added beside a suggestion (the campaign chart grows, the table downloads and
validates), the service's refusal of a bad cell shown as it says it, and markup in a cell kept as text."""

from __future__ import annotations

import csv
import re
import urllib.request
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from asepred.data.record import COLUMNS
from asepred.data.records import check, read_table
from bench.campaign import simulated_lab_table
from tests.serving.test_ui import opened

pytestmark = pytest.mark.slow

MARKUP = '<img src=x onerror="window.hacked=1">'
CANDIDATE = ("material", "dimensionality", "spacer", "n_layers", "strategy", "pump_pulse", "pump_wavelength_nm",
             "temperature_k")  # fmt: skip


def example_space() -> str:
    return (files("asepred.examples") / "space.yaml").read_text(encoding="utf-8")


def simulated_rows(tmp_path: Path) -> list[dict[str, str]]:
    """8 measured candidates of examples/space.yaml (bench/campaign.py's hidden function ``smooth``)."""
    with simulated_lab_table(tmp_path / "simulated.csv", "smooth", size=8, seed=0).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_lab(path: Path, rows: list[dict[str, str]]) -> Path:
    """A lab table as a lab keeps it: the template's columns, CRLF line ends, a comment line, and cells that need
    quoting (a comma, a doubled quote, a line break)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\r\n", restval="")
        writer.writeheader()
        f.write("# lab-000,CsPbBr3,3D film,,,,fs,400,1,295,ASE,12.5,uJ/cm2 (an example, commented out)\r\n")
        writer.writerows(rows)
    return path


def lab_rows(tmp_path: Path) -> list[dict[str, str]]:
    rows = simulated_rows(tmp_path)
    rows[0]["curation_note"] = 'spin-coated, "batch A"\nsecond line of the note'
    rows[1]["source_locator"] = '=HYPERLINK("http://example.org")'  # a spreadsheet formula, as text
    return rows


@pytest.fixture
def plan_page(browser: Any, live_server: str) -> Iterator[Any]:
    with opened(browser, live_server) as page:
        page.wait_for_selector("body[data-plan-ready=true]")
        page.get_by_role("tab", name="Plan").click()
        page.wait_for_selector("#plan-view:not([hidden])")
        yield page


def upload(page: Any, path: Path, rows: int) -> None:
    page.locator("#plan-lab-file").set_input_files(str(path))
    page.wait_for_selector(f"#plan-view[data-lab-rows='{rows}']")


def suggest(page: Any, status: int = 200) -> Any:
    """Click Suggest; the request the page sent and the service's answer."""
    with page.expect_response(lambda r: r.url.endswith("/suggest")) as answer:
        page.get_by_role("button", name="Suggest").click()
    assert answer.value.status == status, answer.value.text()
    page.wait_for_selector("#plan-suggest:not([disabled])")
    return answer.value


def points(page: Any) -> int:
    return page.locator("#plan-chart g.plan-point").count()


def test_the_bundled_space_is_served_as_written(live_server: str) -> None:
    with urllib.request.urlopen(f"{live_server}/ui/example-space.yaml") as response:
        assert response.headers["Content-Type"].startswith("application/yaml")
        assert response.read().decode("utf-8") == example_space()


def test_suggest_sends_the_parsed_table_and_shows_the_batch(plan_page: Any, tmp_path: Path) -> None:
    rows = lab_rows(tmp_path)
    upload(plan_page, write_lab(tmp_path / "lab.csv", rows), len(rows))
    assert points(plan_page) == len(rows)  # every row is a measured ASE threshold in µJ/cm²
    assert plan_page.locator("#plan-download").is_disabled()

    response = suggest(plan_page)
    sent = response.request.post_data_json
    assert sent["space"] == example_space()  # the bundled example, as text
    assert sent["batch"] == 4
    # the page's CSV parser reads what Python's csv module reads: the comment skipped, quotes and line breaks kept
    assert sent["lab_records"] == [{c: r.get(c, "") for c in COLUMNS} for r in rows]

    answer = response.json()
    suggestions = answer["suggestions"]
    assert len(suggestions) == 4
    candidates = {tuple(s["candidate"][f] for f in CANDIDATE) for s in suggestions}
    assert len(candidates) == 4, "the batch repeats a candidate"

    shown = plan_page.locator("#plan-suggestions tbody tr")
    assert shown.count() == 4
    for i, s in enumerate(suggestions):
        row = shown.nth(i)
        assert row.get_attribute("data-rank") == str(s["rank"])
        assert row.locator("p.material").inner_text() == s["candidate"]["material"]
        assert row.locator("td.why").inner_text() == s["why"]
        text = row.inner_text()
        assert s["candidate"]["dimensionality"] in text and "90 %" in text
        assert (row.locator(".out-of-domain-flag").count() == 1) == (not s["in_domain"])
    assert shown.nth(0).locator("p.predicted").inner_text() == f"{suggestions[0]['threshold_uj_cm2']:.3g}"

    surrogate = plan_page.locator("#plan-surrogate").inner_text()
    assert answer["surrogate"]["loo_mae"] is not None, "8 lab records fit the surrogate"
    assert "leave-one-out MAE" in surrogate and "lab mean" in surrogate and "coverage" in surrogate
    assert f"{answer['surrogate']['loo_mae']:.3g}" in surrogate and answer["surrogate"]["acquisition"] in surrogate
    assert plan_page.locator("#plan-notes li").count() == len(answer["notes"])
    assert answer["run_id"] and plan_page.locator("#plan-run-id").inner_text() == answer["run_id"]
    assert points(plan_page) == len(rows)
    assert plan_page.locator("#plan-chart g.plan-next").count() == 4  # the batch's predictions, beside the points
    assert plan_page.locator("#plan-chart path.plan-best").count() == 1
    assert plan_page.locator("#plan-error").is_hidden()


def test_a_measurement_added_grows_the_chart_and_downloads_valid(plan_page: Any, tmp_path: Path) -> None:
    rows = lab_rows(tmp_path)
    upload(plan_page, write_lab(tmp_path / "lab.csv", rows), len(rows))
    first = suggest(plan_page).json()["suggestions"][0]

    row = plan_page.locator("#plan-suggestions tbody tr[data-rank='1']")
    row.get_by_label("measured threshold (µJ/cm²)").fill("12.5")
    row.get_by_role("button", name="Add").click()
    plan_page.wait_for_selector(f"#plan-view[data-lab-rows='{len(rows) + 1}']")
    assert points(plan_page) == len(rows) + 1
    assert plan_page.locator("#plan-chart g.plan-point.added").count() == 1
    assert plan_page.locator("#plan-chart g.plan-next").count() == 3
    assert "added as sim-smooth-009" in row.inner_text()
    assert row.get_by_role("button", name="Added").is_disabled()

    with plan_page.expect_download() as download:
        plan_page.get_by_role("button", name="Download lab table (CSV)").click()
    saved = tmp_path / "downloaded.csv"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "lab.csv"

    table = check(read_table(saved), str(saved), curated=False)  # what `asepred data validate --lab` runs
    assert list(table.columns) == list(COLUMNS)
    assert len(table) == len(rows) + 1
    assert table.iloc[0]["curation_note"] == rows[0]["curation_note"]
    assert table.iloc[1]["source_locator"] == "'" + rows[1]["source_locator"]  # neutralised for spreadsheets
    added = table.iloc[-1]
    assert added["record_id"] == "sim-smooth-009"
    assert added["material"] == first["candidate"]["material"]
    assert added["dimensionality"] == first["candidate"]["dimensionality"]
    assert added["pump_pulse"] == (first["candidate"]["pump_pulse"] or "")
    assert float(added["threshold_value"]) == 12.5 and added["threshold_unit"] == "uJ/cm2"
    assert added["measurement"] == "ASE"
    assert added["reference"] == rows[-1]["reference"]
    assert re.fullmatch(r"added \d{4}-\d\d-\d\d on the Plan page", added["curation_note"])

    # the next batch learns from the added row, and the service accepts it as the lab's
    again = suggest(plan_page)
    sent = again.request.post_data_json["lab_records"]
    assert len(sent) == len(rows) + 1 and sent[-1]["material"] == first["candidate"]["material"]
    assert again.json()["surrogate"]["lab_records"] == len(rows) + 1
    assert first["candidate"] not in [s["candidate"] for s in again.json()["suggestions"]]


def test_a_campaign_starts_without_a_table(plan_page: Any, tmp_path: Path) -> None:
    assert plan_page.locator("#plan-chart-empty").is_visible()
    response = suggest(plan_page)
    assert response.request.post_data_json["lab_records"] == []
    assert "not fitted on 0 lab records" in plan_page.locator("#plan-surrogate").inner_text()
    assert "space-filling" in plan_page.locator("#plan-notes").inner_text()

    row = plan_page.locator("#plan-suggestions tbody tr[data-rank='2']")
    row.get_by_label("measured threshold (µJ/cm²)").fill("40")
    row.get_by_role("button", name="Add").click()
    assert "Reference of the rows added here" in row.locator("p.error").inner_text()  # no row to take it from
    assert points(plan_page) == 0
    plan_page.get_by_label("Reference of the rows added here").fill("notebook 3 p. 12")
    row.get_by_role("button", name="Add").click()
    plan_page.wait_for_selector("#plan-view[data-lab-rows='1']")
    assert points(plan_page) == 1

    with plan_page.expect_download() as download:
        plan_page.get_by_role("button", name="Download lab table (CSV)").click()
    saved = tmp_path / "started.csv"
    download.value.save_as(saved)
    table = check(read_table(saved), str(saved), curated=False)
    assert list(table.columns) == list(COLUMNS)  # the template's columns
    assert table.iloc[0]["record_id"] == "lab-001" and table.iloc[0]["reference"] == "notebook 3 p. 12"
    assert table.iloc[0]["material"] == response.json()["suggestions"][1]["candidate"]["material"]


def test_a_bad_cell_shows_the_services_error_and_no_suggestions(plan_page: Any, tmp_path: Path) -> None:
    rows = simulated_rows(tmp_path)
    rows[1]["threshold_unit"] = "furlongs"
    upload(plan_page, write_lab(tmp_path / "bad.csv", rows), len(rows))
    assert points(plan_page) == len(rows) - 1  # a row in a unit the chart cannot convert is not drawn

    response = suggest(plan_page, status=422)
    message = response.json()["error"]
    box = plan_page.locator("#plan-error")
    box.wait_for()
    assert box.is_visible()
    text = box.inner_text()
    assert "lab_records[1].threshold_unit" in text and "furlongs" in text
    assert message in plan_page.locator("#plan-error-lines").inner_text()
    assert f"lab_records[1] is row 2 of the table ({rows[1]['record_id']})" in text
    assert plan_page.locator("#plan-answer").is_hidden()
    assert plan_page.locator("#plan-suggestions tbody tr").count() == 0


SMALL_SPACE = """# four bulk films: MA or FA, bromide or iodide
name: four films
a_site: [{MA: 1.0}, {FA: 1.0}]
halides: [{Br: 1.0}, {I: 1.0}]
spacers: [null]
dimensionalities: [3D film]
strategies: [null]
pump: {pulse: [fs], wavelength_nm: [400], temperature_k: [295]}
"""


def test_an_uploaded_space_is_sent_as_its_text(plan_page: Any, tmp_path: Path) -> None:
    rows = simulated_rows(tmp_path)
    upload(plan_page, write_lab(tmp_path / "lab.csv", rows), len(rows))
    plan_page.get_by_label("upload a YAML file").check()
    broken = tmp_path / "broken.yaml"
    broken.write_text("a_site: [\n", encoding="utf-8")
    plan_page.locator("#plan-space-file").set_input_files(str(broken))
    suggest(plan_page, status=422)
    plan_page.locator("#plan-error").wait_for()
    assert "space: is not valid YAML" in plan_page.locator("#plan-error").inner_text()
    assert plan_page.locator("#plan-answer").is_hidden()

    space = tmp_path / "small.yaml"
    space.write_text(SMALL_SPACE, encoding="utf-8")
    plan_page.locator("#plan-space-file").set_input_files(str(space))
    plan_page.get_by_label("Experiments to suggest").fill("2")
    response = suggest(plan_page)
    assert response.request.post_data_json["space"] == SMALL_SPACE
    assert response.request.post_data_json["batch"] == 2
    assert response.json()["candidates"] == 4
    assert plan_page.locator("#plan-error").is_hidden()
    shown = plan_page.locator("#plan-suggestions tbody tr p.material").all_inner_texts()
    assert len(shown) == 2 and set(shown) <= {"MAPbBr3", "FAPbBr3", "MAPbI3", "FAPbI3"}


def test_a_table_without_a_required_column_is_refused_before_asking(plan_page: Any, tmp_path: Path) -> None:
    requests: list[str] = []
    plan_page.on("request", lambda r: requests.append(r.url) if r.url.endswith("/suggest") else None)
    path = tmp_path / "no-reference.csv"
    path.write_text("record_id,material,dimensionality,measurement,threshold_value,threshold_unit\n"
                    "lab-001,CsPbBr3,3D film,ASE,12,uJ/cm2\n", encoding="utf-8")  # fmt: skip
    plan_page.locator("#plan-lab-file").set_input_files(str(path))
    error = plan_page.locator("#plan-lab-file-error")
    error.wait_for()
    assert "no reference column" in error.inner_text()
    plan_page.get_by_role("button", name="Suggest").click()
    plan_page.wait_for_function("() => document.activeElement.id === 'plan-lab-file'")
    assert "no reference column" in error.inner_text()

    rows = simulated_rows(tmp_path)
    upload(plan_page, write_lab(tmp_path / "lab.csv", rows), len(rows))
    assert error.is_hidden()  # a table that reads clears the error
    suggest(plan_page)
    assert len(requests) == 1, "the page asked the service about a table it had refused"


def test_markup_in_a_cell_is_shown_as_text_never_run(plan_page: Any, tmp_path: Path) -> None:
    rows = simulated_rows(tmp_path)
    rows[-1]["reference"] = MARKUP
    upload(plan_page, write_lab(tmp_path / "marked.csv", rows), len(rows))
    assert plan_page.locator("#plan-reference").input_value() == MARKUP
    listed = plan_page.locator("#plan-lab-table tbody tr").nth(len(rows) - 1)
    assert MARKUP in (listed.text_content() or "")

    rows[2]["material"] = MARKUP
    upload(plan_page, write_lab(tmp_path / "marked-material.csv", rows), len(rows))
    suggest(plan_page, status=422)
    box = plan_page.locator("#plan-error")
    box.wait_for()
    assert "lab_records[2].material" in box.inner_text() and MARKUP in box.inner_text()
    assert plan_page.locator("#plan-view img").count() == 0
    assert plan_page.evaluate("() => window.hacked") is None
