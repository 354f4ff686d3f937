"""The ACLED-style CSV, read back with the codebook's column list and checked against its vocabularies."""
from __future__ import annotations

import csv
import io

import pytest

from claimledger import export
from claimledger.export import acled_codes, places
from format_checks import CODEBOOK, check_acled_csv

EXPLOSIONS, SHELLING = "Explosions/Remote violence", "Shelling/artillery/missile attack"


def _rows(ledger) -> dict[str, dict]:
    text = export.FORMATS["acled-csv"].render(ledger, timestamp=1700000000)
    return {r["incident_id"]: r for r in check_acled_csv(text)}


def test_export_acled_columns_are_the_codebooks_then_ours(small_ledger):
    header = next(csv.reader(io.StringIO(export.FORMATS["acled-csv"].render(small_ledger()))))
    assert tuple(header) == CODEBOOK + export.OUR_COLUMNS and len(CODEBOOK) == 31
    assert export.CODEBOOK_COLUMNS == CODEBOOK


def test_export_acled_rows_types_and_vocabularies(small_ledger):
    i1, i2, i3 = (_rows(small_ledger())[k] for k in ("I1", "I2", "I3"))
    assert (i1["event_type"], i1["sub_event_type"]) == (EXPLOSIONS, SHELLING)
    assert (i1["event_date"], i1["year"], i1["time_precision"]) == ("2024-03-05", "2024", "1")
    assert (i1["fatalities"], i1["fatalities_reported"]) == ("3", "yes")
    assert (i1["country"], i1["iso"], i1["region"], i1["admin1"], i1["location"], i1["geo_precision"]) == (
        "Ukraine", "804", "Europe", "Kharkivska", "Kharkiv", "1")
    assert float(i1["latitude"]) == pytest.approx(49.9935) and float(i1["longitude"]) == pytest.approx(36.2304)
    # a foreign state's forces in Ukraine are ACLED's External/Other forces; the victims are civilians
    assert (i1["actor1"], i1["inter1"], i1["actor2"], i1["inter2"]) == (
        "Russia", "External/Other forces", "Civilians (Ukraine)", "Civilians")
    assert i1["interaction"] == "Civilians-External/Other forces" and i1["civilian_targeting"] == "Civilians targeted"
    assert i1["disorder_type"] == "Political violence" and i1["event_id_cnty"].startswith("UKR")
    assert i1["verifiers"] == "Human Rights Watch: corroborated" and i1["status"] == "corroborated"
    assert i1["source"] == "Northern Wire" and i1["source_urls"] == "https://news.example.org/a1"
    assert i1["timestamp"] == "1700000000" and i1["date_basis"] == "event"
    # an unnamed perpetrator, a month-only date
    assert (i2["actor1"], i2["inter1"], i2["interaction"]) == (
        "Unidentified Armed Group (Ukraine)", "Political militia", "Political militia only")
    assert (i2["sub_event_type"], i2["event_date"], i2["time_precision"]) == ("Air/drone strike", "2024-02-15", "3")
    assert i2["admin1"] == "Kharkivska"  # Izium's oblast, found from coordinates
    # no place: no coordinates, no fatality figure
    assert (i3["event_type"], i3["sub_event_type"]) == ("Violence against civilians", "Abduction/forced disappearance")
    assert i3["latitude"] == "" and i3["geo_precision"] == ""
    assert (i3["fatalities"], i3["fatalities_reported"]) == ("0", "no")
    assert (i3["inter1"], i3["interaction"]) == ("State forces", "State forces-Civilians")


def test_export_acled_provenance_points_at_the_alleging_statement(small_ledger):
    ledger = small_ledger()
    i1 = _rows(ledger)["I1"]
    c = ledger["statements"][0]["content"]
    assert i1["statement_ids"] == "D1.S1" and i1["document_ids"] == "1"
    assert i1["provenance"] == f"document 1 characters {c['start']}-{c['end']}"


def test_export_acled_notes_read_like_acleds(small_ledger):
    rows = _rows(small_ledger())
    assert rows["I1"]["notes"] == (
        "On 5 March 2024, Russia reportedly shelled the central market in Kharkiv (Kharkivska, Ukraine) using "
        "artillery, killing 3 people. (reported by Petro Vashchuk; Human Rights Watch corroborated)")
    assert rows["I2"]["notes"].startswith("In February 2024, an unidentified armed group reportedly struck the "
                                          "grain store with drones in Izium")


def test_export_acled_undated_event_takes_the_publication_date_at_precision_3(small_ledger):
    ledger = small_ledger()
    ledger["incidents"][2]["date"] = None
    ledger["allegations"][2]["date"] = None
    i3 = _rows(ledger)["I3"]
    assert (i3["event_date"], i3["time_precision"], i3["date_basis"]) == ("2024-03-03", "3", "publication (undated)")
    assert i3["notes"].startswith("On an unreported date up to 3 March 2024, soldiers reportedly detained four men")


def test_export_acled_undated_event_uses_an_earlier_statement_date(small_ledger):
    ledger = small_ledger()
    ledger["incidents"][2]["date"] = None
    ledger["allegations"][2]["date"] = None
    ledger["statements"][3]["date"] = "2024-03-02"
    assert _rows(ledger)["I3"]["event_date"] == "2024-03-02"


def test_export_acled_unplaced_incident_takes_the_country_of_its_documents_places(small_ledger):
    ledger = small_ledger()
    ledger["places"] = [{"document_id": 2, "name": "Sumy", "start": 0, "end": 4, "lat": 50.9, "lon": 34.8,
                         "country": "UA"}]
    i3 = _rows(ledger)["I3"]
    assert (i3["country"], i3["iso"], i3["geo_precision"], i3["latitude"]) == ("Ukraine", "804", "3", "")
    assert i3["actor2"] == "Civilians (Ukraine)"


def test_export_acled_fatalities_are_the_most_conservative_figure(small_ledger):
    ledger = small_ledger()
    second = dict(ledger["allegations"][0], id="D1.A9", casualties={"killed_min": 5, "killed_max": 7})
    ledger["allegations"].append(second)
    ledger["incidents"][0]["allegation_ids"] = ["D1.A1", "D1.A9"]
    assert _rows(ledger)["I1"]["fatalities"] == "3"


def test_export_acled_region_and_unit_names():
    assert places.region("AZ") == "Caucasus and Central Asia" and places.region("SY") == "Middle East"
    assert places.region("UA") == "Europe" and places.region("ML") == "Western Africa"
    assert places.iso_number("SY") == 760 and places.iso3("SY") == "SYR"
    assert places.admin1("UA", 46.4825, 30.7233) == "Odeska"  # Odesa
    assert places.admin1("UA", 0.0, 0.0) == ""  # nowhere near a listed town of the country


@pytest.mark.parametrize("name,country,expected", [
    ("Russian forces", "Ukraine", "External/Other forces"),
    ("the Ukrainian army", "Ukraine", "State forces"),
    ("Syria", "Syria", "State forces"),
    ("police", "", "State forces"),
    ("separatist rebels", "Ukraine", "Rebel group"),
    ("armed militia", "Mali", "Political militia"),
    ("ethnic militia", "Sudan", "Identity militia"),
    (None, "Mali", "Political militia"),
])
def test_export_acled_inter_codes_from_actor_types(name, country, expected):
    assert acled_codes.inter_code(name, country) == expected


def test_export_acled_interaction_orders_by_acleds_code():
    assert acled_codes.interaction("Civilians", "State forces") == "State forces-Civilians"
    assert acled_codes.interaction("Rebel group") == "Rebel group only"


@pytest.mark.parametrize("act,weapons,expected", [
    ("attack_on_civilians", [], ("Violence against civilians", "Attack")),
    ("attack_on_civilians", [{"name": "cluster munitions"}], (EXPLOSIONS, SHELLING)),
    ("attack_on_civilians", [{"name": "barrel bombs"}], ("Explosions/Remote violence", "Air/drone strike")),
    ("use_of_prohibited_weapon", [{"name": "chlorine gas"}], ("Explosions/Remote violence", "Chemical weapon")),
    ("looting", [], ("Strategic developments", "Looting/property destruction")),
    ("threat", [], ("Strategic developments", "Other")),
    ("killing", [{"name": "rifles"}], ("Violence against civilians", "Attack")),
])
def test_export_acled_type_mapping(act, weapons, expected):
    assert export.acled_type(act, weapons) == expected


def test_export_acled_event_ids_are_stable_and_unique(small_ledger):
    first = {k: r["event_id_cnty"] for k, r in _rows(small_ledger()).items()}
    ledger = small_ledger()
    ledger["incidents"].reverse()
    assert {k: r["event_id_cnty"] for k, r in _rows(ledger).items()} == first
