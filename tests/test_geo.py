"""Geoparsing: toponyms found, resolved with a precision, disambiguated by the document's context."""
from __future__ import annotations

import json

import pytest

from claimledger import gazetteer, geo


def _places(nlp, text):
    places = geo.find_places(nlp(text))
    for p in places:
        assert text[p.start:p.end] == p.name
    return places


def _one(places, name):
    hits = [p for p in places if p.name == name]
    assert hits, f"{name} not found in {[p.name for p in places]}"
    return hits[0]


def test_geo_resolves_city_with_town_precision(nlp):
    text = "Rescuers in Kharkiv said a missile struck a school on Tuesday, officials in Ukraine told reporters."
    places = _places(nlp, text)
    kharkiv = _one(places, "Kharkiv")
    assert kharkiv.precision == "town" and kharkiv.country == "UA"
    assert geo.distance_km(kharkiv.lat, kharkiv.lon, 49.98, 36.25) < 25
    assert _one(places, "Ukraine").precision == "country"


def test_geo_tripoli_follows_country_context(nlp):
    lebanon = _places(nlp, "Lebanese officials said shelling hit Tripoli overnight. Beirut condemned the attack "
                           "and the army deployed in Lebanon's north.")
    libya = _places(nlp, "Libyan officials said shelling hit Tripoli overnight. Benghazi condemned the attack "
                         "and the army deployed across Libya.")
    assert _one(lebanon, "Tripoli").country == "LB"
    assert _one(libya, "Tripoli").country == "LY"


def test_geo_explicit_qualifier_decides(nlp):
    places = _places(nlp, "The convoy reached Tripoli, Lebanon, late on Sunday.")
    assert _one(places, "Tripoli").country == "LB"


def test_geo_georgia_is_country_in_caucasus_and_state_near_atlanta(nlp):
    caucasus = _places(nlp, "Armenia and Azerbaijan traded accusations while Georgia offered to mediate talks "
                            "in Tbilisi, near the Russian border.")
    us = _places(nlp, "Voters in Atlanta and Savannah lined up for hours as Georgia counted ballots, and "
                      "officials in Texas watched closely.")
    assert _one(caucasus, "Georgia").precision == "country"
    assert _one(caucasus, "Georgia").country == "GE"
    ga = _one(us, "Georgia")
    assert ga.country == "US" and ga.precision == "region"


def test_geo_unresolvable_name_gets_no_coordinates(nlp):
    text = "Villagers fled along the Zarvokhin River after the strike."
    places = _places(nlp, text)
    river = [p for p in places if "Zarvokhin" in p.name]
    assert river, places
    assert river[0].lat is None and river[0].lon is None
    assert river[0].resolved_by.startswith("unresolved")
    assert geo.resolve("Qwertzbrokhin") is None


def test_geo_based_modifier_is_not_an_event_place(nlp):
    text = "The Baku-based group said drones struck a depot in Ganja on Monday."
    places = _places(nlp, text)
    baku = _one(places, "Baku")
    assert baku.lat is not None and "role=modifier" in baku.resolved_by
    assert not geo.is_event_place(baku)
    assert geo.is_event_place(_one(places, "Ganja"))


def test_geo_demonym_resolves_to_country_with_role(nlp):
    places = _places(nlp, "Turkish forces shelled positions held by Kurdish fighters near Afrin.")
    turkish = _one(places, "Turkish")
    assert turkish.country == "TR" and "role=demonym" in turkish.resolved_by
    assert not geo.is_event_place(turkish)
    assert _one(places, "Afrin").country == "SY"


def test_geo_alternate_names_resolve_to_same_town(nlp):
    a = _one(_places(nlp, "Shelling was reported in Stepanakert, in Nagorno-Karabakh."), "Stepanakert")
    b = _one(_places(nlp, "Azerbaijani officials visited Khankendi on Friday."), "Khankendi")
    assert geo.distance_km(a.lat, a.lon, b.lat, b.lon) < 5


def test_geo_document_country_context_orders_by_mentions():
    places = [geo.Place("Syria", 0, 5, country="SY"), geo.Place("Aleppo", 6, 12, country="SY"),
              geo.Place("Turkey", 13, 19, country="TR")]
    assert geo.document_country_context(places) == ["SY", "TR"]


def test_geo_resolve_uses_context():
    assert geo.resolve("Tripoli", ["LB"]).country == "LB"
    assert geo.resolve("Tripoli", ["LY"]).country == "LY"


def test_geo_distance_km_is_great_circle():
    assert geo.distance_km(0, 0, 0, 1) == pytest.approx(111.2, abs=0.5)


def test_geo_finds_gold_places_of_dev_articles(nlp, shared_dir):
    found = total = 0
    for gold_path in sorted((shared_dir / "eval" / "dev").glob("*.json")):
        text = gold_path.with_suffix(".txt").read_text(encoding="utf-8")
        places = [p for p in _places(nlp, text) if p.lat is not None]
        for g in json.loads(gold_path.read_text(encoding="utf-8"))["places"].values():
            if "lat" in g:
                total += 1
                found += any(geo.distance_km(p.lat, p.lon, g["lat"], g["lon"]) <= 25 for p in places)
    assert total and found / total >= 0.9


def test_geo_dateline_and_title_are_not_event_places(nlp):
    text = "KHARKIV, Ukraine (Reuters) - Ukraine's foreign minister said shelling hit Izium overnight."
    places = _places(nlp, text)
    assert "role=dateline" in _one(places, "KHARKIV").resolved_by
    titled = [p for p in places if p.name == "Ukraine" and "role=title" in p.resolved_by]
    assert titled and not geo.is_event_place(titled[0])
    assert geo.is_event_place(_one(places, "Izium"))


def test_geo_longer_shipped_names_win(nlp):
    text = "Drones struck near the Zaporizhzhia nuclear plant while shelling continued in the Donetsk region."
    places = _places(nlp, text)
    plant = _one(places, "Zaporizhzhia nuclear plant")
    assert plant.precision == "facility"
    assert _one(places, "Donetsk region").precision == "region"


def test_geo_small_town_after_attack_verb_is_found(nlp):
    places = _places(nlp, "Russian troops shelled Avdiivka and Pokrovsk again on Friday.")
    avdiivka = _one(places, "Avdiivka")
    assert avdiivka.country == "UA" and avdiivka.lat is not None


def test_geo_state_qualifier_picks_the_town_in_that_state(nlp):
    places = _places(nlp, "Storms flooded Paris, Texas, on Monday, the mayor said.")
    paris = _one(places, "Paris")
    assert paris.country == "US" and paris.admin1 == "TX"


def test_geo_small_foreign_town_loses_to_country_context(nlp):
    text = ("Soldiers of Myanmar's army burned houses in Kani township, residents said. Fighting also "
            "continued near Monywa and Mandalay in Myanmar.")
    places = _places(nlp, text)
    kani = [p for p in places if p.name.startswith("Kani")]
    assert kani and kani[0].lat is None and kani[0].country is None
    assert kani[0].resolved_by.startswith("unresolved")
    assert _one(places, "Monywa").country == "MM"


def test_geo_foreign_town_with_explicit_country_is_kept(nlp):
    places = _places(nlp, "Myanmar's envoy met officials in Myanmar before flying to Kani, Japan, on Monday.")
    assert _one(places, "Kani").country == "JP"


def test_geo_weapon_model_is_not_a_toponym(nlp):
    text = "Russian aircraft dropped a FAB-500 bomb and fired a Kalibr missile at Kharkiv, Ukraine said."
    names = [p.name for p in _places(nlp, text)]
    assert "FAB-500" not in names and "Kalibr" not in names
    assert "Kharkiv" in names


def test_geo_common_noun_head_is_trimmed_to_the_place(nlp):
    text = "Drone strikes on Myanmar village kill nine, rebels in Myanmar say."
    places = _places(nlp, text)
    assert all("village" not in p.name for p in places)
    assert any(p.name == "Myanmar" and p.country == "MM" for p in places)


def test_geo_admin_unit_named_after_its_town(nlp):
    places = _places(nlp, "Aircraft bombed a village in Sagaing region of Myanmar on Thursday.")
    region = _one(places, "Sagaing region")
    assert region.precision == "region" and region.country == "MM"


def test_geo_gazetteer_cache_round_trips(tmp_path):
    g = geo.gazetteer()
    path = tmp_path / "claimledger" / "gazetteer-test.marshal"
    (tmp_path / "claimledger").mkdir()
    (tmp_path / "claimledger" / "gazetteer-old.marshal").write_bytes(b"stale")
    gazetteer.save_cache(g, path)
    assert [p.name for p in (tmp_path / "claimledger").iterdir()] == [path.name]
    loaded = gazetteer.load_cache(path)
    assert loaded is not None and len(loaded.rows) == len(g.rows)
    assert [(e.name, e.country) for e, _ in loaded.lookup("Tripoli")] == [(e.name, e.country) for e, _ in
                                                                          g.lookup("Tripoli")]
    path.write_bytes(b"not marshal")
    assert gazetteer.load_cache(path) is None


def test_geo_cache_file_follows_xdg_cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = gazetteer._cache_file()
    assert path.parent == tmp_path / "claimledger" and path.name.startswith("gazetteer-")


def test_geo_metonymic_seat_of_power_is_not_an_event_place(nlp):
    places = _places(nlp, "The White House said on Monday that Russian missiles had hit Kyiv.")
    white_house = _one(places, "White House")
    assert white_house.country == "US" and not geo.is_event_place(white_house)
    assert geo.is_event_place(_one(places, "Kyiv"))


def test_geo_unknown_street_is_placed_in_the_town_named(nlp):
    text = "Shells hit Pushkinska Street in Kharkiv on Tuesday, officials in Ukraine said."
    street = _one(_places(nlp, text), "Pushkinska Street")
    assert street.country == "UA" and street.resolved_by.startswith("inferred")
    assert geo.distance_km(street.lat, street.lon, 49.98, 36.25) < 25


def test_geo_county_is_chosen_by_the_state_the_text_names(nlp):
    # Daviess County exists in Kentucky, Indiana and Missouri: the state named decides
    ky = _one(_places(nlp, "Officials in Kentucky said flooding closed roads in Daviess County on Friday."),
              "Daviess County")
    assert ky.country == "US" and ky.admin1 == "KY" and ky.precision == "district"
    assert geo.distance_km(ky.lat, ky.lon, 37.73, -87.09) < 50
    mo = _one(_places(nlp, "Officials in Missouri said flooding closed roads in Daviess County on Friday."),
              "Daviess County")
    assert mo.admin1 == "MO"


def test_geo_county_inside_an_organisation_is_found(nlp):
    places = _places(nlp, "The Cuyahoga County Board of Health warned residents in Ohio about the heat.")
    county = [p for p in places if p.name.startswith("Cuyahoga")]
    assert county and county[0].admin1 == "OH", places
    assert geo.distance_km(county[0].lat, county[0].lon, 41.47, -81.68) < 50


def test_geo_university_is_not_placed_in_the_nearest_town(nlp):
    text = "Students from Washington University marched through Ciudad Juarez on Sunday, officials in Mexico said."
    places = _places(nlp, text)
    assert _one(places, "Washington University").lat is None
    assert _one(places, "Ciudad Juarez").country == "MX"


def test_geo_common_noun_town_is_left_unresolved(nlp):
    places = _places(nlp, "Firefighters reached Summit after the storm, officials in Ohio said.")
    summit = _one(places, "Summit")
    assert summit.lat is None and "common noun" in summit.resolved_by
    assert _one(places, "Ohio").lat is not None


def test_geo_small_town_far_from_the_story_is_left_unresolved(nlp):
    text = ("Artillery hit Kharkiv and Izium overnight, and residents of Kupiansk fled to Stonewall, "
            "officials in Ukraine said.")
    places = _places(nlp, text)
    assert _one(places, "Stonewall").lat is None
    assert _one(places, "Kupiansk").country == "UA"


def test_geo_qualifying_state_follows_the_town_it_qualifies(nlp):
    places = _places(nlp, "Police in Athens, Georgia, said two men were held after the raid.")
    georgia = _one(places, "Georgia")
    assert georgia.country == "US" and georgia.precision == "region"
    state = _one(_places(nlp, "Firefighters in Spokane, Washington, said the blaze was contained."), "Washington")
    assert state.precision == "region" and state.lon < -110


def test_geo_names_in_a_list_do_not_qualify_each_other(nlp):
    places = _places(nlp, "The minister visited Washington, New York and Boston before flying home.")
    assert _one(places, "New York").precision == "town"
    assert geo.distance_km(_one(places, "Washington").lat, _one(places, "Washington").lon, 38.9, -77.0) < 25


def test_geo_residence_after_comma_of_is_a_place(nlp):
    text = "Jane Roe, of Bellmore, won the prize on Friday, officials in New York said."
    bellmore = _one(_places(nlp, text), "Bellmore")
    assert bellmore.country == "US" and geo.distance_km(bellmore.lat, bellmore.lon, 40.67, -73.53) < 25


def test_geo_upper_case_dateline_is_found(nlp):
    text = "OKLAHOMA CITY (AP) \u2014 Teachers rallied at the statehouse on Monday."
    city = _one(_places(nlp, text), "OKLAHOMA CITY")
    assert "role=dateline" in city.resolved_by and geo.distance_km(city.lat, city.lon, 35.47, -97.52) < 25


# ---------------------------------------------------------------- states, provinces, counties worldwide


def test_geo_state_of_another_country_resolves_as_a_region(nlp):
    sokoto = _one(_places(nlp, "The governor of Sokoto State visited flood victims on Monday."), "Sokoto State")
    assert sokoto.country == "NG" and sokoto.precision == "region"
    assert geo.distance_km(sokoto.lat, sokoto.lon, 13.0, 5.2) < 100


def test_geo_state_inside_an_organisation_is_found(nlp):
    places = _places(nlp, "The Osun State Police Command said two suspects were arrested.")
    osun = [p for p in places if p.name.startswith("Osun")]
    assert osun and osun[0].country == "NG" and "role=organisation" in osun[0].resolved_by, places


def test_geo_unit_named_after_its_town_is_the_town(nlp):
    riyadh = _one(_places(nlp, "Protesters gathered in Riyadh on Friday."), "Riyadh")
    assert riyadh.precision == "town" and riyadh.country == "SA"


def test_geo_unit_code_after_a_comma_names_the_state(nlp):
    places = _places(nlp, "Flooding hit Conway, SC, on Tuesday.")
    assert _one(places, "SC").admin1 == "SC"
    conway = _one(places, "Conway")
    assert conway.country == "US" and conway.admin1 == "SC"


def test_geo_nearer_namesake_wins_a_region_qualifier(nlp):
    richmond = _one(_places(nlp, "Markets opened in Richmond, Yorkshire, on Saturday."), "Richmond")
    assert richmond.country == "GB" and richmond.lat > 54  # not Richmond in London


def test_geo_unknown_name_qualified_by_a_region_is_placed_in_it(nlp):
    places = _places(nlp, "Volunteers cleaned the beach at Polwithen Cove, Cornwall, after the storm.")
    cove = _one(places, "Polwithen Cove")
    assert cove.resolved_by.startswith("inferred: in Cornwall")
    assert geo.distance_km(cove.lat, cove.lon, 50.4, -4.9) < 100


def test_geo_washington_is_the_state_where_the_document_is(nlp):
    places = _places(nlp, "The National Guard trained near Yakima, Wash., and the crews returned home to "
                          "Washington on Friday.")
    assert _one(places, "Washington").admin1 == "WA"
    assert _one(places, "Washington").precision == "region"


def test_geo_dc_keeps_its_name_across_the_comma(nlp):
    dc = _one(_places(nlp, "The delegation flew to Washington, D.C., for the talks."), "Washington, D.C.")
    assert geo.distance_km(dc.lat, dc.lon, 38.9, -77.04) < 25


# ---------------------------------------------------------------- facilities, villages, physical features


def test_geo_facility_is_placed_in_the_town_the_text_names(nlp):
    arena = _one(_places(nlp, "The concert at the Ostwick Arena in Calgary was cancelled."), "Ostwick Arena")
    assert arena.resolved_by.startswith("inferred: in Calgary")
    uni = _one(_places(nlp, "Students from the University of Ardmore in Halifax, Nova Scotia, protested."),
               "University of Ardmore")
    assert uni.country == "CA" and geo.distance_km(uni.lat, uni.lon, 44.65, -63.58) < 25


def test_geo_local_facility_is_placed_in_the_nearest_town(nlp):
    places = _places(nlp, "Firefighters in Winnipeg said the blaze at the Kowalski Community Centre was under "
                          "control.")
    centre = _one(places, "Kowalski Community Centre")
    assert centre.country == "CA" and "nearest town" in centre.resolved_by
    assert not geo.is_event_place(centre)  # a guess is shown, but no allegation rests on it


def test_geo_generic_institution_is_not_placed(nlp):
    places = _places(nlp, "Lawyers argued before the Supreme Court on Monday, officials in Nairobi said.")
    assert not [p for p in places if "Supreme" in p.name and p.lat is not None]
    assert _one(places, "Nairobi").country == "KE"


def test_geo_village_the_gazetteer_lacks_is_placed_by_the_town_near_it(nlp):
    places = _places(nlp, "They fled to Kwamashu township near Durban.")
    village = _one(places, "Kwamashu")
    assert village.country == "ZA" and village.resolved_by.startswith("inferred")


def test_geo_small_town_in_an_organisation_is_vouched_by_the_state_named(nlp):
    places = _places(nlp, "Members of the Closter Rotary Club raised money for families across New Jersey.")
    closter = _one(places, "Closter")
    assert closter.admin1 == "NJ" and geo.distance_km(closter.lat, closter.lon, 40.97, -73.96) < 25


def test_geo_rivers_resolve(nlp):
    danube = _one(_places(nlp, "Floods along the Danube forced evacuations in Romania."), "Danube")
    assert danube.precision == "region" and geo.distance_km(danube.lat, danube.lon, 45.2, 29.7) < 100
    mississippi = _one(_places(nlp, "Barges were stuck on the Mississippi River near Memphis."), "Mississippi River")
    assert mississippi.country == "US" and mississippi.lat is not None
