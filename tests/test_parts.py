"""Long documents cut into parts: cuts at paragraph breaks (else sentence ends, else spaces), pieces that
concatenate back, records moved to whole-text offsets with ids numbered on."""
from datetime import date

from claimledger import parts, pipeline, statements


def test_parts_cut_at_paragraph_breaks_and_join_back():
    text = "".join(f"Officials said {n} buildings were damaged in the river town.\n\n" for n in range(60))
    pieces = list(parts.chunks(text, 600))
    assert len(pieces) > 1 and "".join(p for _, p in pieces) == text
    for offset, piece in pieces:
        assert text[offset:offset + len(piece)] == piece and len(piece) <= 600
        assert piece.endswith("\n") or offset + len(piece) == len(text)


def test_parts_single_line_cut_at_sentence_ends_then_spaces():
    text = " ".join(f"The mayor said shells hit {n} homes overnight." for n in range(80))
    pieces = list(parts.chunks(text, 500))
    assert "".join(p for _, p in pieces) == text
    assert all(p.endswith(". ") for _, p in pieces[:-1]), "a sentence is never split"
    words = "word " * 400  # no sentence end at all: cut after a space, never inside a word
    cut = list(parts.chunks(words, 300))
    assert "".join(p for _, p in cut) == words and all(p.endswith(" ") for _, p in cut[:-1])
    solid = "x" * 1000  # nothing to cut at: hard cuts, still exact
    assert [len(p) for _, p in parts.chunks(solid, 300)] == [300, 300, 300, 100]


def test_parts_spool_moves_spans_and_numbers_ids_on():
    nlp = statements.pipeline()
    piece = ("The regional governor said on Monday that artillery shelling had damaged the main hospital in "
             "Kherson, wounding three nurses.\n\nThe defence ministry denied that its forces had fired at the town.\n")
    text = piece * 3
    spool = parts.Spool(7)
    one = pipeline.analyze_parsed(nlp(piece), 7, date(2024, 6, 4))
    for offset, _ in [(0, None), (len(piece), None), (2 * len(piece), None)]:
        spool.add(one, offset)
    stmts = list(spool.records("statements"))
    algs = list(spool.records("allegations"))
    n = len(one.statements)
    assert n and spool.counts()["statements"] == 3 * n == len(stmts)
    assert [s["id"] for s in stmts] == [f"D7.S{i}" for i in range(1, 3 * n + 1)]
    assert stmts[n]["content"]["start"] == one.statements[0].content.start + len(piece)
    for s in stmts:
        assert text[s["content"]["start"]:s["content"]["end"]] == s["content"]["text"]
        assert text[s["speaker"]["mention"]["start"]:s["speaker"]["mention"]["end"]] == s["speaker"]["mention"]["text"]
    ids = {s["id"] for s in stmts}
    assert algs and all(sid in ids for a in algs for sid in a["statement_ids"])
    assert len({a["id"] for a in algs}) == len(algs) == 3 * len(one.allegations)
    places = list(spool.records("places"))
    assert [p["id"] for p in places] == [f"D7.P{i}" for i in range(1, len(places) + 1)]
    assert all(text[p["start"]:p["end"]] == p["name"] for p in places)
    spool.close()
