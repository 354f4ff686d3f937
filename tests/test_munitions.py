"""The munitions knowledge base and weapon-mention finder."""
from __future__ import annotations

from claimledger import munitions


def _spans_ok(text, weapons):
    for w in weapons:
        assert text[w.span.start:w.span.end] == w.span.text == w.name


def test_munitions_kb_has_60_entries_each_with_source():
    entries = munitions.entries()
    assert len(entries) >= 60
    for e in entries:
        assert e["source"].strip(), e["id"]
        assert e["category"], e["id"]
        assert isinstance(e["cluster"], bool)
    assert len({e["id"] for e in entries}) == len(entries)


def test_munitions_find_weapons_links_aliases_to_entries():
    text = ("Witnesses said 300mm Smerch rockets, a Tochka-U missile and Geran-2 drones hit the town, "
            "and white phosphorus shells fell on the fields.")
    found = munitions.find_weapons(text)
    _spans_ok(text, found)
    by_id = {w.kb_id: w for w in found}
    assert by_id["bm-30"].category == "MLRS rocket" and by_id["bm-30"].cluster is True
    assert by_id["tochka"].category == "ballistic missile"
    assert by_id["shahed-136"].category == "loitering munition" and by_id["shahed-136"].cluster is False
    assert by_id["white-phosphorus"].category == "incendiary"


def test_munitions_find_weapons_prefers_longest_match():
    text = "The jet dropped a FAB-500 with UMPK on the bridge."
    found = munitions.find_weapons(text)
    assert [w.name for w in found] == ["FAB-500 with UMPK"]
    _spans_ok(text, found)


def test_munitions_generic_mentions_map_to_categories():
    text = "They used cluster bombs, artillery, drones, mortars, rockets and ballistic missiles."
    cats = {w.name: w.category for w in munitions.find_weapons(text)}
    assert cats == {"cluster bombs": "cluster munition", "artillery": "artillery", "drones": "UAV",
                    "mortars": "mortar", "rockets": "MLRS rocket", "ballistic missiles": "ballistic missile"}


def test_munitions_find_weapons_respects_word_boundaries_and_range():
    text = "Traffic on the M4 highway resumed; Ms Gradova said so. Later a Grad rocket hit the depot."
    found = munitions.find_weapons(text)
    assert [w.name for w in found] == ["Grad rocket"]
    assert munitions.find_weapons(text, 0, text.index("Later")) == []
    start = text.index("Later")
    _spans_ok(text, munitions.find_weapons(text, start))


def test_munitions_platforms_only_when_asked():
    text = "Helicopters dropped barrel bombs."
    assert [w.name for w in munitions.find_weapons(text)] == ["barrel bombs"]
    assert [w.name for w in munitions.find_weapons(text, platforms=True)] == ["Helicopters", "barrel bombs"]


def test_munitions_lookup_folds_case_and_dashes():
    assert munitions.lookup("tochka u")["id"] == munitions.lookup("Tochka-U")["id"] == "tochka"
    assert munitions.lookup("BM 21")["id"] == "bm-21"
    assert munitions.lookup("a garden hose") is None


def test_munitions_treaty_status():
    assert "Ottawa Mine Ban Treaty" in munitions.lookup("PFM-1")["treaty"]
    assert any("Protocol III" in t for t in munitions.lookup("white phosphorus")["treaty"])
    assert "Convention on Cluster Munitions" in munitions.lookup("M095 DPICM")["treaty"]
    assert munitions.is_prohibited(munitions.lookup("RBK-500"))
    assert not munitions.is_prohibited(munitions.lookup("Kalibr"))


def test_munitions_air_force_is_a_platform_delivering_airstrikes():
    text = "Officials blamed the air force."
    (w,) = munitions.find_weapons(text, platforms=True)
    assert w.name == "air force" and text[w.span.start:w.span.end] == w.span.text == w.name
    assert munitions.delivery(w) == "airstrike"
    assert munitions.find_weapons(text) == []
