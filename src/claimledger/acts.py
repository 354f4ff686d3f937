"""Act words and act types: which words name an act ("shelled", "an air raid", "looting"), what kind of
act they name, and how an attack was delivered (shelling, airstrike, missile or drone strike).

Word lists are general news English, read off lemmas of spaCy's small English model.
"""
from __future__ import annotations

import re

from spacy.tokens import Token

from . import munitions
from .harm import verb_like
from .models import Target, Weapon
from .vocabulary import ATTACK_VERBS
ATTACK_NOUNS = {"attack", "strike", "airstrike", "shelling", "bombing", "bombardment", "assault", "raid",
                "barrage", "shell", "use", "fire", "ambush", "airstrikes", "explosion", "blast", "detonation",
                "gunfire", "shooting"}
# phrasal verbs of explosions: "a bomb went off", "blew up the bridge"
PARTICLE_VERBS = {("go", "off"), ("blow", "up")}
KILL = {"kill", "massacre", "execute", "murder", "slaughter", "neutralise", "neutralize", "killing"}
DETAIN = {"detain", "arrest", "abduct", "kidnap", "imprison", "detention", "abduction", "arrests", "hostage"}
DISPLACE = {"displace", "expel", "deport", "deportation", "expulsion"}
LOOT = {"loot", "pillage", "plunder", "ransack", "looting"}
GENOCIDE = {"genocide", "exterminate", "extermination"}
ABUSE = {"rape", "torture", "mutilate"}  # acts the vocabulary has no word for: "other"
PLAN = {"want", "plan", "planning", "intend", "prepare", "consider", "seek", "aim", "plot", "threaten"}
MODES = {"shell": "shelling", "shelling": "shelling", "airstrike": "airstrike", "bomb": "airstrike",
         "bombing": "airstrike", "bombard": "shelling", "bombardment": "shelling"}
STORE_VERBS = {"store", "stockpile", "produce", "assemble", "manufacture", "make", "hide", "keep", "house", "build"}
# "drone unit", "artillery crews": a weapon naming who used it
DOER_HEADS = {"unit", "operator", "team", "crew", "force", "forces", "troops", "battalion", "brigade", "regiment",
              "squad", "army", "fighters", "soldiers"}
# conduct a party is accused of that is no attack by itself ("using villagers as human shields")
CONDUCT = re.compile(r"\b(?:human shields?|as (?:a )?shields?|child soldiers|recruit\w* children|"
                     r"(?:hid|hide|hiding|placing|placed|stor\w+|position\w*) (?:\w+ ){0,3}(?:weapons|fighters|"
                     r"artillery|rocket launchers|ammunition)\b(?: \w+){0,3} (?:among|near|in|inside) "
                     r"(?:civilian|residential|homes|schools|hospitals|villages)|"
                     r"(?:wear|wearing|wore|disguis\w+ in) (?:civilian )?(?:clothes|clothing)|"
                     r"using (?:civilian|residential) (?:buildings|areas|homes|objects|infrastructure))", re.I)


def prev(tok: Token) -> str:
    return tok.doc[tok.i - 1].lower_ if tok.i > 0 else ""


def category(tok: Token, weapons_near: bool) -> str | None:
    """What kind of act a word names, if any ("shelled" → attack, "detained" → detention)."""
    lemma, low = tok.lemma_.lower(), tok.text.lower()
    if lemma in GENOCIDE or low in GENOCIDE or (low == "cleansing" and prev(tok) == "ethnic"):
        return "genocide"
    if lemma in DETAIN or low in DETAIN:
        return "detention"
    if tok.dep_ == "amod" and tok.head.i > tok.i and prev(tok) not in ("had", "has", "have"):
        return None  # "displaced families", "burned structures", "looted shops": a state, not an act told
    if lemma in DISPLACE or low in DISPLACE or (lemma == "flee" and tok.head.lemma_ == "force") or (
            lemma == "transfer" and any(c.lower_ == "forcibly" for c in tok.children)):
        return "displacement"  # also "forced thousands to flee", "forcibly transferred"
    if lemma in LOOT or low in LOOT:
        return "looting"
    if lemma in ABUSE and tok.pos_ in ("VERB", "NOUN"):
        return "other"
    if (lemma in KILL or low in KILL) and tok.pos_ in ("VERB", "NOUN"):
        return "killing"
    if lemma == "set" and any(c.lower_ == "fire" and c.dep_ == "dobj" for c in tok.children):
        return "attack"  # "set fire to the clinic"
    if lemma in ("shoot", "bring") and any(c.lower_ == "down" for c in tok.children):
        return None  # "shot down 20 drones": air defence, not an attack
    if tok.pos_ == "VERB" and any((lemma, c.lower_) in PARTICLE_VERBS for c in tok.children if c.dep_ == "prt"):
        return "attack"
    if tok.pos_ == "VERB" and lemma in ATTACK_VERBS:
        if lemma == "use" and (not weapons_near or tok.dep_ in ("acl", "relcl")):
            return None  # "a depot used by militants" describes the depot
        if lemma in ("fire", "launch", "drop", "shoot") and not weapons_near:
            return None
        return "attack"
    if verb_like(tok):
        return "attack"
    if tok.pos_ == "NOUN" and lemma in ("fire", "attack", "shelling", "bombardment") and tok.head.lower_ == "under":
        return "attack"  # "came under fire from"
    if tok.pos_ in ("NOUN", "PROPN") and (lemma in ATTACK_NOUNS or low in ("strikes", "attacks", "raids")):
        if lemma in ("use", "fire", "shell") and not weapons_near:
            return None
        if lemma == "fire" and prev(tok) == "set":
            return None  # told by "set" already
        return "attack"
    return None


def is_planned(tok: Token) -> bool:
    """"want to destroy", "planning for the bombing", "considering bombing": the act has not happened."""
    t = tok
    for _ in range(4):
        if t.head is t:
            break
        t = t.head
        if t.lemma_.lower() in PLAN:
            return True
    return any(c.lemma_.lower() in PLAN for c in tok.children)


def is_negated(tok: Token) -> bool:
    t = tok
    for _ in range(2):
        if any((c.dep_ == "neg" or c.lower_ in ("no", "never", "not")) and c.i < tok.i for c in t.children):
            return True
        if t.head is t or (t.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass", "mark") for c in t.children)):
            break  # "had not fired ... and that the camp had been hit": a clause of its own keeps its own polarity
        t = t.head
    return False


def _mode_of(t: Token) -> str | None:
    """The delivery an act word itself names: "shelled", "airstrike", "an air raid", "drone strikes"."""
    mode = MODES.get(t.lemma_.lower()) or MODES.get(t.lower_)
    if t.lower_ in ("airstrike", "airstrikes") or (t.lemma_ in ("strike", "raid", "attack") and prev(t) == "air"):
        return "airstrike"
    p = prev(t)
    if p in ("drone", "missile", "rocket", "artillery", "mortar"):
        return {"drone": "drone_strike", "missile": "missile_strike"}.get(p, "shelling")
    return mode


def act(cat: str, triggers: list[Token], weapons: list[Weapon], targets: list[Target],
        doer: str | None = None) -> str:
    """The act type of one frame; `doer` is the perpetrator phrase as written ("its aircraft")."""
    if cat == "planned":
        return "planned_attack"
    if cat in ("threat", "detention", "displacement", "looting", "killing", "other"):
        return cat
    if cat == "genocide":
        return "genocidal_intent"
    modes = {m for t in triggers if (m := _mode_of(t))}
    modes |= {m for w in weapons if (m := munitions.delivery(w))}
    if not modes and doer:
        # "its aircraft destroyed", "the air force targeted": the platform tells the delivery
        modes = {m for w in munitions.find_weapons(doer, platforms=True)[:1] if (m := munitions.delivery(w))}
    civilian = any(t.kind != "military" for t in targets)
    prohibited = any(munitions.is_prohibited(munitions.lookup(w.name)) for w in weapons)
    if prohibited and not civilian:
        return "use_of_prohibited_weapon"
    if modes == {"airstrike", "drone_strike"}:
        modes = {"airstrike"}  # "aircraft and drones bombed": one air attack
    if len(modes) == 1:
        return modes.pop()
    if civilian:
        return "attack_on_civilians"
    if modes:
        return sorted(modes)[0]
    return "other"


# ---------------------------------------------------------------- what the act words govern

def is_doer(toks: list[Token], triggers: list[Token]) -> bool:
    """The subject of one of the act words: "RSF fighters set fire to ..." (a doer, not a target)."""
    return bool(toks) and toks[-1].dep_ == "nsubj" and any(toks[-1].head == t for t in triggers)


def hit_words(triggers: list[Token]) -> list[Token]:
    """Heads of what act words govern: objects, passive subjects, "on/at/against/of/to X"."""
    out = []
    for t in triggers:
        for c in t.children:
            if c.dep_ in ("dobj", "nsubjpass") and t.pos_ == "VERB":
                out.append(c)
            elif c.dep_ == "prep" and c.lower_ in ("on", "at", "against", "to") + (("of",) if t.pos_ == "NOUN" else ()):
                out += [g for g in c.children if g.dep_ == "pobj"]
    return out + [c for x in out for c in x.conjuncts]


def not_used(toks: list[Token], w: Weapon) -> bool:
    """"a drone assembly workshop", "a warehouse storing drones": the weapon names what a building is for."""
    head = toks[-1].head if toks else None
    if head is not None and toks[-1].dep_ == "dobj" and (head.lemma_ in STORE_VERBS or head.lemma_ == "intercept"
                                                         or any(c.lower_ == "down" for c in head.children)):
        return True  # "storing drones", "shot down 14 drones"
    generic = (munitions.lookup(w.name) or {}).get("generic")
    if not toks or toks[-1].dep_ not in ("compound", "amod", "nmod") or not generic:
        return False  # a named system ("FAB-500 munitions") is the weapon itself
    head = toks[-1].head
    return not (category(head, True) or munitions.lookup(head.text) or head.lemma_ in DOER_HEADS)
