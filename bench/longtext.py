"""A synthetic long news document: paragraphs of reporting with quotations and attributions, any length.

Each paragraph is one of the constructions the extractor handles (quotations before and after their cue,
split quotations, follow-on quotations, reported speech, "according to", pronoun speakers, bare narration),
with names, places, days and figures drawn at random, so the text does not repeat and its statements,
places and allegations grow with its length. Deterministic for a seed.
"""
from __future__ import annotations

import random

NAMES = ["Anna Lind", "Karim Haddad", "Oleh Marchenko", "Sara Nouri", "Petra Vogel", "Tomas Berg", "Lena Ortiz",
         "Yusuf Demir", "Mira Kovac", "Daniel Osei"]
ROLES = ["a spokeswoman for the regional administration", "a doctor at the district hospital",
         "the mayor of the town", "a researcher at a rights group", "an adviser to the governor",
         "a commander of the volunteer battalion"]
ORGS = ["The defence ministry", "The armed group", "The regional governor's office", "The interior ministry",
        "The local council", "The army's press service", "A monitoring group"]
PLACES = ["Kharkiv", "Aleppo", "Idlib", "Khartoum", "Hodeidah", "Mosul", "Kherson", "Taiz", "Rafah", "Donetsk",
          "Mariupol", "Homs", "Sumy", "El Fasher"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
EVENTS = ["artillery shells hit a school in {p} on {d}, killing {n} people",
          "drones struck a fuel depot near {p} overnight, wounding {n} workers",
          "{n} civilians were wounded when rockets landed in a market in {p}",
          "its forces had not fired at residential areas of {p}",
          "the footage from {p} could not be independently verified",
          "an air strike destroyed a bakery in {p} on {d}, killing {n} civilians",
          "soldiers detained {n} men at a checkpoint outside {p} on {d}",
          "aid convoys reached {p} on {d} after days of shelling"]
ASIDES = ["Rescue teams in {p} worked through the night as power lines were repaired.",
          "Schools in {p} have been closed since the spring, and many families have left.",
          "The road between {p} and {q} was reopened on {d} after engineers cleared debris.",
          "Prices of bread and fuel in {p} have doubled over the past month."]


def _fill(rnd: random.Random, template: str) -> str:
    p, q = rnd.sample(PLACES, 2)
    return template.format(p=p, q=q, d=rnd.choice(DAYS), n=rnd.randint(2, 60))


def paragraph(rnd: random.Random) -> str:
    """One paragraph in one of the reporting constructions."""
    name, role, org = rnd.choice(NAMES), rnd.choice(ROLES), rnd.choice(ORGS)
    ev, ev2 = _fill(rnd, rnd.choice(EVENTS)), _fill(rnd, rnd.choice(EVENTS))
    cap = ev[0].upper() + ev[1:]
    low = org[0].lower() + org[1:] if org.startswith(("The ", "A ")) else org
    forms = [
        f"{org} said on {rnd.choice(DAYS)} that {ev}.",
        f"\u201c{cap},\u201d {name}, {role}, told reporters. \u201cWe have asked for help many times.\u201d",
        f"{name} said: \u201c{cap}. Nobody has come to help us since then.\u201d",
        f"\u201c{cap},\u201d she said, \u201cand the shelling has not stopped for a single night.\u201d",
        f"{cap}, according to {low}.",
        f"{name} accused the army of shelling {rnd.choice(PLACES)}, saying {ev2}.",
        f"He added that {ev}. \"We will not leave our homes,\" he said.",
        f"{cap}, {low} said in a statement on {rnd.choice(DAYS)}.",
        _fill(rnd, rnd.choice(ASIDES)) + " " + _fill(rnd, rnd.choice(ASIDES)),
        f"In {rnd.choice(PLACES)}, {ev2}, residents told the newspaper. Officials did not respond to questions.",
    ]
    return rnd.choice(forms)


def document(n_chars: int, seed: int = 13, single_line: bool = False) -> str:
    """About `n_chars` characters of news paragraphs (blank-line separated, or all on one line)."""
    rnd = random.Random(seed)
    sep = " " if single_line else "\n\n"
    parts, size = [f"Fighting around {rnd.choice(PLACES)} continues", f"By {rnd.choice(NAMES)}, Example Wire"], 0
    while size < n_chars:
        parts.append(paragraph(rnd))
        size += len(parts[-1]) + len(sep)
    return sep.join(parts)[:max(n_chars, 1)]
