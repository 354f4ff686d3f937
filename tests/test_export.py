"""The export formats, on a small hand-built ledger of fictional reporting."""
from __future__ import annotations

import csv
import io
import json

import pytest

from claimledger import export

def test_export_small_ledger_spans_slice_their_documents(small_ledger):
    ledger = small_ledger()
    texts = {d["id"]: d["text"] for d in ledger["documents"]}
    for s in ledger["statements"]:
        c = s["content"]
        assert texts[s["document_id"]][c["start"]:c["end"]] == c["text"]
    b = ledger["assessments"][0]["basis"]
    assert texts[1][b["start"]:b["end"]] == b["text"]


def test_export_formats_registry_names_every_format(small_ledger):
    assert set(export.FORMATS) == {"json", "acled-csv", "geojson", "claimreview", "timemap"}
    for fn in export.FORMATS.values():
        assert isinstance(fn(small_ledger()), str)


def test_export_json_round_trips(small_ledger):
    ledger = small_ledger()
    assert json.loads(export.FORMATS["json"](ledger)) == ledger


def test_export_acled_csv_rows_and_types(small_ledger):
    rows = list(csv.DictReader(io.StringIO(export.FORMATS["acled-csv"](small_ledger()))))
    assert tuple(rows[0].keys()) == export.ACLED_COLUMNS
    by_id = {r["incident_id"]: r for r in rows}
    assert set(by_id) == {"I1", "I2", "I3"}
    i1, i2, i3 = by_id["I1"], by_id["I2"], by_id["I3"]
    assert (i1["event_type"], i1["sub_event_type"]) == ("Explosions/Remote violence", "Shelling/artillery/missile attack")
    assert (i1["event_date"], i1["time_precision"], i1["fatalities"]) == ("2024-03-05", "1", "3")
    assert (i1["country"], i1["admin1"], i1["location"], i1["geo_precision"]) == ("Ukraine", "Kharkivska", "Kharkiv", "1")
    assert float(i1["latitude"]) == pytest.approx(49.9935) and float(i1["longitude"]) == pytest.approx(36.2304)
    assert i1["actor1"] == "Russia" and i1["actor2"] == "Civilians (Ukraine)"
    assert i1["verifiers"] == "Human Rights Watch: corroborated" and i1["status"] == "corroborated"
    assert i1["source"] == "Northern Wire" and i1["notes"].startswith("Russian forces shelled")
    assert (i2["sub_event_type"], i2["event_date"], i2["time_precision"]) == ("Air/drone strike", "2024-02-01", "3")
    assert (i3["event_type"], i3["sub_event_type"]) == ("Violence against civilians", "Abduction/forced disappearance")
    assert i3["latitude"] == "" and i3["geo_precision"] == "" and i3["fatalities"] == "0"


@pytest.mark.parametrize("act,weapons,expected", [
    ("attack_on_civilians", [], ("Violence against civilians", "Attack")),
    ("attack_on_civilians", [{"name": "cluster munitions"}], ("Explosions/Remote violence", "Shelling/artillery/missile attack")),
    ("attack_on_civilians", [{"name": "barrel bombs"}], ("Explosions/Remote violence", "Air/drone strike")),
    ("use_of_prohibited_weapon", [{"name": "chlorine gas"}], ("Explosions/Remote violence", "Chemical weapon")),
    ("looting", [], ("Strategic developments", "Looting/property destruction")),
    ("threat", [], ("Strategic developments", "Other")),
    ("killing", [{"name": "rifles"}], ("Violence against civilians", "Attack")),
])
def test_export_acled_type_mapping(act, weapons, expected):
    assert export.acled_type(act, weapons) == expected


def _check_geojson(doc: dict) -> None:
    """A structural check of the GeoJSON (RFC 7946) we emit: Point features only."""
    assert doc["type"] == "FeatureCollection" and isinstance(doc["features"], list)
    for f in doc["features"]:
        assert f["type"] == "Feature" and set(f) >= {"geometry", "properties"}
        g = f["geometry"]
        assert g["type"] == "Point" and len(g["coordinates"]) == 2
        lon, lat = g["coordinates"]
        assert all(isinstance(v, float) for v in (lon, lat))
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert isinstance(f["properties"], dict)
        assert {"status", "date", "allegations", "verifiers", "acts"} <= set(f["properties"])


def test_export_geojson_points_lon_lat_and_skips_unplaced(small_ledger):
    doc = json.loads(export.FORMATS["geojson"](small_ledger()))
    _check_geojson(doc)
    feats = {f["id"]: f for f in doc["features"]}
    assert set(feats) == {"I1", "I2"} and doc["incidents_without_coordinates"] == ["I3"]
    assert feats["I1"]["geometry"]["coordinates"] == [36.2304, 49.9935]
    props = feats["I1"]["properties"]
    assert props["acts"] == ["shelling"] and props["allegations"] == ["D1.A1"]
    assert props["verifiers"] == [{"verifier": "Human Rights Watch", "status": "corroborated"}]


def test_export_claimreview_json_ld_structure(small_ledger):
    reviews = json.loads(export.FORMATS["claimreview"](small_ledger()))
    assert len(reviews) == 1
    r = reviews[0]
    assert r["@context"] == "https://schema.org" and r["@type"] == "ClaimReview"
    for key in ("claimReviewed", "author", "reviewRating", "itemReviewed", "url", "datePublished"):
        assert key in r
    assert r["claimReviewed"].startswith("Russian forces shelled the central market")
    assert r["author"] == {"@type": "Organization", "name": "Human Rights Watch"}
    rating = r["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"] == "corroborated"
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"] == 5
    claim = r["itemReviewed"]
    assert claim["@type"] == "Claim" and claim["author"] == {"@type": "Person", "name": "Petro Vashchuk"}
    assert claim["appearance"][0]["url"] == "https://news.example.org/a1"
    assert r["reviewBody"] == "verified footage showing artillery impacts"


def test_export_claimreview_rating_scale_orders_statuses():
    order = ["refuted", "disputed", "insufficient_evidence", "partially_corroborated", "corroborated"]
    assert [export.RATING[s] for s in order] == sorted(export.RATING[s] for s in order)
    assert len({export.RATING[s] for s in order}) == 5


def test_export_timemap_events_associations_sources(small_ledger):
    tm = json.loads(export.FORMATS["timemap"](small_ledger()))
    events = {e["id"]: e for e in tm["events"]}
    assert set(events) == {"I1", "I2", "I3"}
    e1 = events["I1"]
    assert (e1["date"], e1["time_precision"], e1["location"]) == ("2024-03-05", "day", "Kharkiv")
    assert float(e1["latitude"]) == pytest.approx(49.9935)
    assert "act/shelling" in e1["associations"] and "status/corroborated" in e1["associations"]
    assert e1["sources"] == ["doc-1"] and "doc-1" in tm["sources"]
    assert events["I2"]["time_precision"] == "month" and events["I3"]["latitude"] == ""
    assoc_ids = {a["id"] for a in tm["associations"]}
    assert all(t in assoc_ids for e in tm["events"] for t in e["associations"])


def test_export_formats_tolerate_an_empty_ledger():
    empty = {"schema": export.SCHEMA, "documents": [], "statements": [], "allegations": [], "assessments": [],
             "incidents": [], "places": []}
    assert export.FORMATS["acled-csv"](empty).strip() == ",".join(export.ACLED_COLUMNS)
    assert json.loads(export.FORMATS["geojson"](empty))["features"] == []
    assert json.loads(export.FORMATS["claimreview"](empty)) == []
    assert json.loads(export.FORMATS["timemap"](empty))["events"] == []


def test_export_ledger_json_attaches_incident_evidence(engine):
    from claimledger import db

    with engine.begin() as conn:
        conn.execute(db.incidents.insert().values(id="I1", data={"allegation_ids": [], "place": None},
                                                  status="alleged"))
        conn.execute(db.evidence.insert().values(sha256="cd" * 32, size=3, mime="image/png", original_name="a.png",
                                                 content=b"abc"))
        conn.execute(db.evidence_links.insert().values(sha256="cd" * 32, record_type="incident", record_id="I1"))
    ledger = export.ledger_json(engine)
    assert ledger["schema"] == export.SCHEMA
    (inc,) = ledger["incidents"]
    assert inc["evidence"] == [{"sha256": "cd" * 32, "original_name": "a.png", "mime": "image/png", "size": 3}]
    assert json.loads(export.FORMATS["json"](ledger))["incidents"][0]["id"] == "I1"


def test_export_claim_text_of_a_narrated_allegation_is_the_outlets_sentence():
    sentence = "Gunmen burned a clinic in the hill town on Sunday."
    ledger = {"documents": [{"id": 1, "text": sentence}], "statements": [],
              "allegations": [{"id": "D1.A1", "statement_ids": [], "act": "attack_on_civilians", "narrated": True,
                               "reported_by": "Hill Courier", "document_id": 1,
                               "span": {"start": 0, "end": len(sentence), "text": sentence}},
                              {"id": "D1.A2", "statement_ids": [], "act": "shelling", "perpetrator": "X"}]}
    index = export.LedgerIndex(ledger)
    assert index.claim_text(index.allegations["D1.A1"]) == sentence
    assert index.claim_text(index.allegations["D1.A2"]) == "shelling by X"
