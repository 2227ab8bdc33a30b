"""The Records view of /ui in a real browser (Debian's headless Chromium through Playwright) against a real server:
filters, sortable table, landscape and strip charts, a point that opens its record, the CSV download, and quotes
whose <sup>/<sub> render while every other tag stays text."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from asepred.data.record import COLUMNS
from tests.data.test_browse import raw_rows
from tests.serving.test_ui import opened

pytestmark = pytest.mark.slow


@pytest.fixture
def records_page(browser: Any, live_server: str) -> Iterator[Any]:
    with opened(browser, live_server) as page:
        page.wait_for_selector("body[data-records-ready=true]")
        page.get_by_role("tab", name="Records").click()
        page.wait_for_selector("#records-view[data-loaded]")
        yield page


def filters(page: Any) -> Any:
    return page.locator("#records-filters")


def shown_ids(page: Any) -> list[str]:
    return page.locator("#records-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.recordId)")


def filter_bromide_nanocrystal_ase(page: Any) -> None:
    with page.expect_response(lambda r: "measurement=ASE" in r.url):
        filters(page).get_by_label("Halide (X site)").select_option("Br")
        filters(page).get_by_label("Dimensionality").select_option("nanocrystal")
        filters(page).get_by_label("Measurement").select_option("ASE")
    page.wait_for_function(
        "() => ['halide=Br', 'dimensionality=nanocrystal', 'measurement=ASE']"
        ".every(p => (document.getElementById('records-view').dataset.query || '').includes(p))"
    )


def bromide_nanocrystal_ase() -> set[str]:
    return {
        r["record_id"]
        for r in raw_rows()
        if "Br" in r["material"] and r["dimensionality"] == "nanocrystal" and r["measurement"] == "ASE"
    }


def test_every_record_is_listed_plotted_and_marked_ase_or_lasing(records_page: Any) -> None:
    rows = raw_rows()
    assert sorted(shown_ids(records_page)) == sorted(r["record_id"] for r in rows)
    pulsed = [r for r in rows if r["threshold_uj_cm2"] and r["year"]]
    landscape = records_page.locator("#landscape-svg g.point")
    assert landscape.count() == len(pulsed)
    lasing = sum(r["measurement"] == "lasing" for r in pulsed)
    assert records_page.locator("#landscape-svg g.point.lasing rect").count() == lasing
    assert records_page.locator("#landscape-svg g.point.ase circle").count() == len(pulsed) - lasing
    assert records_page.locator("#strips-svg g.family").count() >= 5
    assert "88 records" in records_page.locator("#records-summary").inner_text()


def test_filters_keep_exactly_the_bromide_nanocrystal_ase_records(records_page: Any) -> None:
    filter_bromide_nanocrystal_ase(records_page)
    assert set(shown_ids(records_page)) == bromide_nanocrystal_ase()
    families = records_page.locator("#strips-svg g.family").evaluate_all("gs => gs.map(g => g.dataset.family)")
    assert families and all(f.endswith("· nanocrystal") and "Br" in f for f in families)


def test_download_csv_is_what_is_filtered(records_page: Any, tmp_path: Path) -> None:
    filter_bromide_nanocrystal_ase(records_page)
    with records_page.expect_download() as download:
        records_page.get_by_role("link", name="Download CSV").click()
    saved = tmp_path / "records.csv"
    download.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(COLUMNS)
    assert {r["record_id"] for r in rows} == bromide_nanocrystal_ase()


def test_headers_sort_the_table(records_page: Any) -> None:
    header = records_page.locator("#records-table button.sort[data-sort=threshold_uj_cm2]")
    with records_page.expect_response(lambda r: "sort=threshold_uj_cm2" in r.url):
        header.click()
    records_page.wait_for_selector("#records-table th[aria-sort=ascending] button[data-sort=threshold_uj_cm2]")
    by_id = {r["record_id"]: r for r in raw_rows()}
    values = [float(by_id[i]["threshold_uj_cm2"]) for i in shown_ids(records_page) if by_id[i]["threshold_uj_cm2"]]
    assert values == sorted(values)
    with records_page.expect_response(lambda r: "sort=-threshold_uj_cm2" in r.url):
        records_page.locator("#records-table button.sort[data-sort=threshold_uj_cm2]").click()
    records_page.wait_for_selector("#records-table th[aria-sort=descending]")
    values = [float(by_id[i]["threshold_uj_cm2"]) for i in shown_ids(records_page) if by_id[i]["threshold_uj_cm2"]]
    assert values == sorted(values, reverse=True)


def test_a_point_opens_its_record_with_its_quote_rendered(records_page: Any) -> None:
    marked = next(r for r in raw_rows() if "<sup>" in r["quote"] and "<sub>" in r["quote"] and r["year"])
    filters(records_page).get_by_label("Text (material, reference)").fill(marked["material"])
    with records_page.expect_response(lambda r: "q=" in r.url):
        records_page.get_by_role("button", name="Apply").click()
    records_page.wait_for_selector(f'#landscape-svg g.point[data-record-id="{marked["record_id"]}"]')
    records_page.locator(f'#landscape-svg g.point[data-record-id="{marked["record_id"]}"]').click()
    detail = records_page.locator("#record-detail")
    detail.wait_for()
    assert marked["record_id"] in detail.locator("h3").inner_text()
    quote = records_page.locator("#record-detail-quote")
    assert quote.locator("sup").count() == marked["quote"].count("<sup>")
    assert quote.locator("sub").count() == marked["quote"].count("<sub>")
    assert "<" not in quote.inner_text()
    if marked["curation_note"]:
        assert marked["curation_note"][:40] in records_page.locator("#record-detail-note").inner_text()
    selected = records_page.locator("#records-table tr.selected")
    assert selected.get_attribute("data-record-id") == marked["record_id"]
    assert selected.locator("blockquote sup").count() >= 1  # the table renders it too


def test_only_sup_and_sub_are_markup_in_a_quote(records_page: Any) -> None:
    html = records_page.evaluate(
        """() => { const d = document.createElement('div');
        d.append(quoteNodes(
          'x<sup>2</sup> <img src=x onerror="window.hacked=1"><b>y</b><sub>3<sup>4</sup></sub></sub>'));
        return d.innerHTML; }"""
    )
    assert html == (
        'x<sup>2</sup> &lt;img src=x onerror="window.hacked=1"&gt;&lt;b&gt;y&lt;/b&gt;'
        "<sub>3&lt;sup&gt;4&lt;/sup&gt;</sub>&lt;/sub&gt;"
    )
    assert records_page.evaluate("() => window.hacked") is None


def test_a_bad_filter_value_is_named(records_page: Any) -> None:
    filters(records_page).get_by_label("Year from").fill("1800")
    with records_page.expect_response(lambda r: "year_min=1800" in r.url) as answer:
        records_page.get_by_role("button", name="Apply").click()
    assert answer.value.status == 422
    from playwright.sync_api import expect

    # the page writes the message after the response arrives: wait for it rather than read at once
    expect(records_page.locator("#records-error")).to_contain_text("Year from")
