"""The award as open data: an OCDS 1.1 release package that the standard's own schema (with
the lots, bid and award criteria extensions) accepts, every field where its extension puts it,
codes from the codelists only, prices as the disclosure policy allows, stable identifiers."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from typing import Any

import ocds_schema
import pytest
import yaml
from test_audiences import _losing_figures

from conftest import copy_example, run_cli

REFERENCE = "WPF-2026-DA-014"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tender = copy_example(tmp_path_factory.mktemp("ocds"))
    run_cli(["evaluate", tender, "--format", "json,ocds"])
    out = tender / "out"
    return {
        "package": json.loads((out / f"{REFERENCE}-ocds.json").read_text(encoding="utf-8")),
        "text": (out / f"{REFERENCE}-ocds.json").read_text(encoding="utf-8"),
        "document": json.loads((out / f"{REFERENCE}-evaluation.json").read_text()),
        "tender": tender,
    }


def test_the_package_is_valid_ocds_with_its_extensions(published: dict[str, Any]) -> None:
    package = published["package"]
    assert ocds_schema.errors(package, strict=False) == []
    assert ocds_schema.errors(package, strict=True) == []  # every field placed, every code listed
    assert package["version"] == "1.1"
    assert [url.split("/")[4] for url in package["extensions"]] == list(ocds_schema.EXTENSIONS)


@pytest.mark.parametrize(
    "misplace",
    [
        lambda r: r["tender"]["lots"][0].update(criteria=[{"name": "Price"}]),
        lambda r: r["tender"]["lots"][0]["awardCriteria"]["criteria"][0].update(weight=40),
        lambda r: r["awards"][0].update(rank=1),
        lambda r: r["bids"]["details"][0].update(score=86.06),
        lambda r: r["tender"].update(awardCriteria="bestValue"),  # not in the codelist
    ],
)
def test_the_strict_check_catches_a_misplaced_field_the_schema_allows(
    published: dict[str, Any], misplace: Any
) -> None:
    package = copy.deepcopy(published["package"])
    misplace(package["releases"][0])
    assert ocds_schema.errors(package, strict=True) != []


def test_the_release_says_what_the_engine_decided(published: dict[str, Any]) -> None:
    release = published["package"]["releases"][0]
    document = published["document"]
    assert release["ocid"] == f"ocds-wpf026-{REFERENCE}"
    assert release["tag"] == ["award"]
    parties = {party["id"]: party for party in release["parties"]}
    assert len(parties) == len(release["parties"])  # unique ids
    award = release["awards"][0]
    winner = next(b for b in document["bids"] if b["rank"] == 1)
    (supplier,) = award["suppliers"]
    assert supplier == {"id": f"{REFERENCE}-bidder-albion", "name": winner["name"]}
    assert parties[supplier["id"]]["roles"] == ["tenderer", "supplier"]
    assert parties[supplier["id"]]["identifier"] == {
        "scheme": "GB-COH",
        "id": "09876541",
        "legalName": "Albion Analytics Ltd",
    }
    offered = round(sum(line["nominal"] for line in winner["price"]["lines"]), 2)
    assert award["value"] == {"amount": offered, "currency": "GBP"}  # as offered, not discounted
    assert award["date"] == "2026-10-23T00:00:00Z"
    assert "ends at the end of Tuesday 3 November 2026" in award["description"]
    assert "not be entered into before Wednesday 4 November 2026" in award["description"]
    ranks = {d["tenderers"][0]["name"]: d.get("rank") for d in release["bids"]["details"]}
    everyone = [*document["bids"], *document["set_aside"]]
    assert ranks == {b["name"]: b.get("rank") for b in everyone}
    statuses = {d["id"].rsplit("-", 1)[1]: d["status"] for d in release["bids"]["details"]}
    assert statuses == {
        "albion": "valid",
        "brightwater": "valid",
        "castellan": "valid",
        "ember": "disqualified",
        "deepfield": "disqualified",
        "harbourline": "disqualified",
        "northgate": "withdrawn",
    }
    buyer = parties[release["buyer"]["id"]]
    assert buyer["roles"] == ["buyer", "procuringEntity"]
    lot = release["tender"]["lots"][0]
    weights = [c["numbers"][0]["number"] for c in lot["awardCriteria"]["criteria"]]
    assert sum(weights) == pytest.approx(100)
    assert release["tender"]["awardCriteria"] == "ratedCriteria"
    assert release["tender"]["tenderPeriod"]["endDate"] == "2026-09-29T00:00:00Z"


def test_losing_prices_are_published_only_when_the_policy_says(
    published: dict[str, Any], tmp_path: Path
) -> None:
    ranked = [b for b in published["document"]["bids"] if b["eligible"]]
    offered = [round(sum(line["nominal"] for line in b["price"]["lines"]), 2) for b in ranked]
    figures = [json.dumps(value) for value in offered]
    losing = figures[1:]
    for figure in losing:
        assert figure not in published["text"]
    assert all(f not in published["text"] for f in _losing_figures(published["document"]))
    tender = copy_example(tmp_path, approved=False)
    config = yaml.safe_load((tender / "tender.yaml").read_text())
    config["disclosure"] = {"winner_price": False, "losing_prices": True}
    (tender / "tender.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    run_cli(["ocds", tender])
    text = (tender / "out" / f"{REFERENCE}-ocds.json").read_text(encoding="utf-8")
    assert all(figure in text for figure in losing)
    assert figures[0] not in text  # the winner's price withheld, in the award too


def test_the_release_id_is_stable_and_changes_with_the_decision(
    published: dict[str, Any],
) -> None:
    tender = published["tender"]
    run_cli(["ocds", tender, "--out", tender / "again"])
    again = json.loads((tender / "again" / f"{REFERENCE}-ocds.json").read_text())
    assert again["releases"] == published["package"]["releases"]
    config = yaml.safe_load((tender / "tender.yaml").read_text())
    config["timeline"]["award_notice"] = datetime.date(2026, 10, 26)
    (tender / "tender.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    (tender / "approval.yaml").unlink()  # an input changed: the approval no longer holds
    run_cli(["ocds", tender, "--out", tender / "changed"])
    changed = json.loads((tender / "changed" / f"{REFERENCE}-ocds.json").read_text())
    assert changed["releases"][0]["id"] != published["package"]["releases"][0]["id"]


def test_open_data_describes_an_award_only(tmp_path: Path) -> None:
    tender = copy_example(tmp_path)
    config = yaml.safe_load((tender / "tender.yaml").read_text())
    config["timeline"]["summaries_sent"] = datetime.date(2026, 10, 21)  # approval now stale
    (tender / "tender.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    stale = run_cli(["ocds", tender], exit_code=2)
    assert "the approval is STALE (an input changed since)" in stale.stderr
    (tender / "approval.yaml").unlink()
    unapproved = run_cli(["ocds", tender])
    assert "warning: no approval of the decision is recorded" in unapproved.stderr
    refused = run_cli(["evaluate", tender, "--weights", "cost=60", "--format", "ocds"], exit_code=2)
    assert "describes the award" in refused.stderr
    config = yaml.safe_load((tender / "tender.yaml").read_text())
    del config["publication"]
    (tender / "tender.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    missing = run_cli(["ocds", tender], exit_code=2)
    assert "add publication: {ocid_prefix: ocds-xxxxxx} to tender.yaml" in missing.stderr


def test_a_total_that_is_a_price_is_not_published(tmp_path: Path) -> None:
    """Under price per quality point a total and the published quality points give the
    price: the award's rationale names the winner without it, as the public report does."""
    from conftest import bid, tender_with, write_tender

    config = tender_with(
        aggregation={"method": "price_per_quality_point"},
        publication={"ocid_prefix": "ocds-abc123"},
        timeline={"award_notice": datetime.date(2026, 10, 23)},
    )
    directory = write_tender(
        tmp_path / "t", config, [bid("a", price=4_000_000), bid("b", price=4_123_456.78)]
    )
    run_cli(["ocds", directory])
    release = json.loads((directory / "out" / "T-1-ocds.json").read_text())["releases"][0]
    assert (
        ocds_schema.errors(
            {
                "version": "1.1",
                "releases": [release],
                "uri": "urn:x",
                "publishedDate": "2026-10-23T00:00:00Z",
                "publisher": {"name": "b"},
            }
        )
        == []
    )
    description = release["awards"][0]["description"]
    assert description.startswith("Supplier ")
    assert "ahead of" not in description
    assert "4123456" not in json.dumps(release)
    weights = [c.get("numbers") for c in release["tender"]["lots"][0]["awardCriteria"]["criteria"]]
    assert weights[0] is None  # price enters the figure as money: it carries no weight
