"""Reading a client's words in English and Dutch: cues found as a careful reader would find them.

A reading never rests on a single word. Text is folded (case, diacritics) and stemmed with the Snowball
stemmers, so "agreements", "agreed" and "Agreement" meet one cue; in Dutch a cue also matches as the last
part of a compound ("afspraak" inside "werkafspraken", "gevoel" inside "teamgevoel"). Cues may be phrases,
with a slot for the people a client wants something done to ("get {who} to" finds "get Anna and Bram
to") and a short gap ("get ... on board"). A cue in the scope of a negation ("no tension", "geen
conflict", "low trust") does not count, and a cue marked *inverse* counts only when negated ("trust"
speaks of tension only as "no trust" or "we vertrouwen elkaar niet").

Some verbs count only with who does them, as a facilitator hears a brief: "the team works out the rules"
is the group at work, "help our team embrace the policy" asks the group to take on what was settled, "the
board has already agreed" is a decision taken before anyone is in the room, and "I work out the rules"
says nothing about the group (``agency`` in the cue files).

The cue lists are data (``assets/diagnosis/cues/{en,nl}.yaml``); this module knows only how to find them
and how much they weigh together. ``playbook.diagnosis`` turns the evidence into readings.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import snowballstemmer

from . import objectcache
from .errors import PlaybookError
from .i18n import LANGUAGES, fold, message
from .paths import assets_dir
from .schema import FieldReader, join
from .yamlio import load_yaml_file

STRONG, WEAK = 2.0, 1.0
"""The weight of a cue listed as strong (unambiguous on its own) and of an ordinary one."""
NEGATION_WINDOW = 3
"""How many words before a cue a negation reaches ("not", "geen", "lack of", …), within one clause."""
GAP = 3
"""How many words the gap ``...`` of a phrase cue may skip."""
COMPOUND_REST = 3
"""A Dutch cue matches as the head of a compound when at least this many letters come before it."""
COMPOUND_HEAD = 4
"""… and when the cue itself has at least this many letters, so that short words stay whole words."""
SLOTS = {"{who}": "who", "{name}": "name", "{boss}": "boss"}
"""Slots of a phrase cue: anyone a client may want something done to, named people only, or those in
charge (the board, management, the director)."""
RESOLVED_WINDOW = 8
"""How far after a cue, in the same sentence, a word that it is over reaches ('… has since been resolved')."""
DOER_WINDOW = 12
"""How many words before a verb, in the same sentence, the one who does it is looked for."""
DONE_WINDOW = 3
"""How many words before a verb an auxiliary makes it a thing already done ('the board has already agreed')."""
AGENCY_SHOWN = 5
"""A doer and its verb at most this many words apart are quoted whole; further apart, as 'doer … verb'."""
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?\n]")
_CLAUSE_END = re.compile(r"[,;:()\[\]\"“”]")


# ------------------------------------------------------------------------------------------ the text


@dataclass(frozen=True)
class Token:
    text: str
    """Folded: lower case, without diacritics."""
    stem: str
    start: int
    end: int
    part: str
    """The field of the brief the word comes from (wish, visible_result, context, purpose)."""
    sentence: int
    clause: int
    capital: bool
    """Written with a capital (a name, when it is not the first word of a sentence)."""
    initial: bool
    verb: str = ""
    """Dutch: the stem of the word without a final -t, so 'kiest' and 'bepaalt' meet the cues 'kiezen' and
    'bepalen' (the stemmer leaves the -t); empty when the word does not end so."""


def verb_stem(word: str, language: str) -> str:
    """The stem of a Dutch present-tense verb form without its -t ('kiest' -> 'kies'), or ''."""
    if language != "nl" or len(word) < 5 or not word.endswith("t") or word.endswith(("tt", "dt")):
        return ""
    return stem(word[:-1], language)


@dataclass(frozen=True)
class Doc:
    """A brief as a list of tokens, with the original text of each part for quoting."""

    language: str
    tokens: tuple[Token, ...]
    texts: Mapping[str, str]

    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """What is worked out once per document (which tokens name those in charge)."""

    def words(self, first: int, last: int) -> str:
        """The words from token ``first`` to ``last`` as the client wrote them."""
        a, b = self.tokens[first], self.tokens[last]
        return " ".join(self.texts[a.part][a.start : b.end].split())


@cache
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer({"nl": "dutch", "en": "english"}[language])


_STEMS: dict[tuple[str, str], str] = {}


def stem(word: str, language: str) -> str:
    """The Snowball stem of a folded word, remembered: briefs repeat their words."""
    key = (language, word)
    found = _STEMS.get(key)
    if found is None:
        found = _STEMS[key] = _stemmer(language).stemWord(word.replace("'", ""))
        if len(_STEMS) > 200_000:  # a long-running kernel reading many briefs stays bounded
            _STEMS.clear()
    return found


def _normalise(text: str) -> str:
    """One apostrophe, and hyphens and slashes as spaces, so 'self-organising' is two words."""
    return text.replace("’", "'").replace("‘", "'").replace("`", "'").replace("-", " ").replace("/", " ")


def tokenise(parts: Mapping[str, str], language: str, breaks: frozenset[str] = frozenset()) -> Doc:
    """Tokens of every part of a brief; ``breaks`` are words that start a new clause ('but', 'maar')."""
    tokens: list[Token] = []
    sentence = clause = 0
    for part, raw in parts.items():
        text = _normalise(raw)
        sentence += 1
        clause += 1
        last = 0
        initial = True
        for m in _WORD.finditer(text):
            between = text[last : m.start()]
            if _SENTENCE_END.search(between):
                sentence += 1
                clause += 1
                initial = True
            elif _CLAUSE_END.search(between):
                clause += 1
            word = fold(m.group(0))
            if word in breaks:
                clause += 1
            tokens.append(
                Token(
                    word,
                    stem(word, language),
                    m.start(),
                    m.end(),
                    part,
                    sentence,
                    clause,
                    m.group(0)[:1].isupper(),
                    initial,
                    verb_stem(word, language),
                )
            )
            initial = False
            last = m.end()
    return Doc(language, tuple(tokens), dict(parts))


# ------------------------------------------------------------------------------------------ the cues


@dataclass(frozen=True)
class Step:
    kind: str
    """'word' (matched by stem), 'prefix' (a cue ending in *), 'who', 'name' or 'boss' (slots), 'gap'."""
    value: str = ""
    surface: str = ""
    """The word as written in the cue (folded), for words that must match as written."""


@dataclass(frozen=True)
class Cue:
    text: str
    """As written in the cue file, for the reasons a reading gives."""
    steps: tuple[Step, ...]
    weight: float
    inverse: bool
    """Counts only when negated: 'trust' is evidence of tension as 'no trust', 'low trust'."""
    exception: bool
    """Not evidence but a sense to set aside: 'conflict of interest' is not a conflict in the team."""
    group: str
    """The reading and label it is evidence for, e.g. 'colours.blue' or 'stance.managing.control'."""
    words: frozenset[str] = field(init=False, repr=False, compare=False)
    """The stems of its word steps after the first: each must be heard in a sentence for the cue to match
    there (a word written as a closed word has its own stem too). The first step is the word the cue is
    looked up by, heard wherever it is tried."""

    def __post_init__(self) -> None:
        words = frozenset(st.value for st in self.steps[1:] if st.kind == "word")
        object.__setattr__(self, "words", words)


@dataclass(frozen=True)
class Who:
    """The people a client may want something done to: pronouns, group nouns, and names."""

    pronouns: frozenset[str]
    nouns: frozenset[str]
    """Stems of group nouns ('team', 'medewerker')."""
    determiners: frozenset[str]
    joiners: frozenset[str]
    authorities: frozenset[str] = frozenset()
    """Stems of those in charge ('board', 'directie'), for the {boss} slot."""
    authority_phrases: tuple[tuple[str, ...], ...] = ()
    """Those in charge named in more than one word, as stems ('head office', 'raad van bestuur')."""
    not_names: frozenset[str] = frozenset()
    """Words written with a capital that name nobody: months and days ('starts on 1 March; that was
    decided' has nobody deciding)."""


DOERS = ("group", "client", "boss")
"""Who can do a verb: the group in the room, the client who writes the brief, or those in charge."""
TENSES = ("now", "done", "any")


@dataclass(frozen=True)
class AgencyRule:
    """A class of verbs that says something only with its doer: 'the team decides' is the group's work,
    'the board has decided' a decision taken before anyone is in the room."""

    id: str
    doer: str
    """One of DOERS: who must do the verb for it to count."""
    tense: str
    """'now' (to be done in the session), 'done' (already done: an auxiliary just before it) or 'any'."""
    reads: tuple[str, ...]
    """The readings it is evidence for, e.g. 'readings.stance.facilitating.control'."""
    hints: tuple[str, ...] = ()

    @property
    def steered(self) -> bool:
        """Evidence that the group is steered ('they accept', 'het team moet het dragen'): never where the
        client names themselves among the doers ('we all stick to'), which is the group's own commitment."""
        return any(r.startswith("readings.stance.managing.") for r in self.reads)

    @property
    def stance_only(self) -> bool:
        """Evidence for the stance alone: who does the work, not what the brief is about. In an indirect
        question ('talk about how we learn') such a verb does not count; 'decide how they divide the work'
        still says the group organises itself."""
        return self.tense == "now" and all(
            r.startswith("readings.stance.") for r in (*self.reads, *self.hints)
        )

    """Readings it speaks for only when the brief names nothing else of their kind (group ``<reading>`` +
    ``FALLBACK``): a decision taken at the top makes a change blue, top-down, unless the brief says how the
    change is to work (a reward scheme decided on is red, not red and blue)."""


@dataclass(frozen=True)
class Agency:
    """The words that name who does a verb, besides the people of ``Who``."""

    group: tuple[tuple[str, ...], ...] = ()
    """The group as doer: 'we', 'each other', 'the parties' (the people of ``Who`` count too)."""
    client: frozenset[str] = frozenset()
    """The client speaking: 'I', 'ik'."""
    done: frozenset[str] = frozenset()
    """Auxiliaries that make the verb after them a thing done ('has', 'heeft')."""
    infinitive: frozenset[str] = frozenset()
    """Words right before a verb that keep it to be done ('to', 'te'): 'have asked to draw up'."""
    past_endings: tuple[str, ...] = ()
    """Endings of a verb's own past form ('-ed': 'the board approved'): a thing done without an auxiliary."""
    obliged: tuple[tuple[str, ...], ...] = ()
    """Between doer and verb these make the group's work an order ('must', 'moeten'): not its own work."""
    ourselves: frozenset[str] = frozenset()
    """The client among the group ('we'): an obligation they state ('we need to agree') is their own."""
    articles: frozenset[str] = frozenset()
    """Words that make the verb after them a noun ('before the vote', 'een besluit', 'a GP practice'):
    a thing named, not work anybody does."""
    agent: frozenset[str] = frozenset()
    """Words that name the one by whom something was done ('approved by the board', 'door de DG
    vastgesteld'): a passive, so the verb is a thing done whatever its form."""
    asked: frozenset[str] = frozenset()
    """Question words as the subject ('het gaat erom wie beslist'): the verb asks who does it, so nobody
    named does it; not the group's work."""
    inversion: frozenset[str] = frozenset()
    """Adverbs that, opening a clause, put the subject after its verb ('daarbinnen kiezen de teams', 'dan
    besluit de directie'): the doer is looked for after the verb first."""
    topic: frozenset[str] = frozenset()
    """Question words that open an indirect question before its doer ('how', 'hoe'): 'we talk about how we
    learn' names learning as the topic."""
    wishes: frozenset[str] = frozenset()
    """Verbs of the client's wish ('like', 'want', 'wil'): in 'I'd like the curators to go over it' the
    curators, named between the wish and the verb, do it, not the client."""
    ongoing: frozenset[str] = frozenset()
    """Forms of 'be' that make a verb in -ing the client's work in progress ('we're reviewing the career
    paths'): what the organisation is already doing, not the session's work."""
    rules: dict[str, AgencyRule] = field(default_factory=dict)


@dataclass(frozen=True)
class Lexicon:
    """Everything a language's cue file says, checked and indexed for fast matching."""

    language: str
    function_words: frozenset[str]
    compounds: bool
    negators: tuple[tuple[str, ...], ...]
    after_negators: frozenset[str]
    breaks: frozenset[str]
    who: Who
    cues: tuple[Cue, ...]
    groups: tuple[str, ...]
    closed_words: frozenset[str] = frozenset()
    """Short grammatical words ('uit', 'vier', 'over') that match a cue only when written as that cue,
    so a stem such as 'uit' (of 'uitje') or 'vier' (of 'vieren') does not find them."""
    skip_words: frozenset[str] = frozenset()
    """Words a phrase may step over ('te' in 'elkaar beter te leren kennen')."""
    generic_heads: frozenset[str] = frozenset()
    """Stems of Dutch words that end a compound without saying what it is about ('systeem', 'beleid',
    'regeling'): in 'beloningssysteem' or 'feedbackcultuur' the first part is the cue."""
    diminishers: tuple[tuple[str, ...], ...] = ()
    """Words that weaken only the word right after them ('low trust', 'weinig vertrouwen')."""
    closing: tuple[tuple[str, ...], ...] = ()
    """Negations that close a sentence and negate what opens it (Dutch: 'Ruimte om te kiezen is er niet')."""
    through: frozenset[str] = frozenset()
    """Words a negation reaches through without using up its window: articles and the like of a noun
    phrase, so 'this isn't about a new reward scheme' negates 'reward'."""
    resolved: tuple[tuple[str, ...], ...] = ()
    """Words after a cue that say it is over ('resolved', 'uitgesproken'): the cue does not count."""
    blanks: frozenset[str] = frozenset()
    """What a form filler writes for nothing ('not stated', 'niet genoemd'): a part saying only that is not
    read, for nobody keeps anything back or asks anything with it."""
    agency: Agency = field(default_factory=Agency)
    by_stem: dict[str, tuple[Cue, ...]] = field(repr=False, default_factory=dict)
    by_prefix: dict[str, tuple[Cue, ...]] = field(repr=False, default_factory=dict)
    by_head: dict[str, tuple[Cue, ...]] = field(repr=False, default_factory=dict)
    by_slot: dict[str, tuple[Cue, ...]] = field(repr=False, default_factory=dict)


def _parse_cue(
    text: str, language: str, weight: float, inverse: bool, group: str, exception: bool = False
) -> Cue | None:
    steps: list[Step] = []
    for piece in _normalise(text).split():
        if piece in SLOTS:
            steps.append(Step(SLOTS[piece]))
        elif piece == "...":
            steps.append(Step("gap"))
        elif piece.endswith("*") and len(piece) > 3:
            steps.append(Step("prefix", fold(piece[:-1])))
        else:
            words = [fold(w) for w in _WORD.findall(piece)]
            if not words:
                return None
            steps += [Step("word", stem(w, language), w) for w in words]
    if not steps or steps[0].kind == "gap" or steps[-1].kind == "gap":
        return None
    return Cue(text, tuple(steps), weight, inverse, exception, group)


def _phrases(r: FieldReader, value: Any, f: str) -> list[str]:
    out = []
    for i, item in enumerate(r.items(value, f) or []):
        if (text := r.text(item, join(f, i), allow_empty=False, max_len=200)) is not None:
            out.append(text)
    return out


_KINDS = {
    "strong": (STRONG, False, False),
    "cues": (WEAK, False, False),
    "inverse": (WEAK, True, False),
    "strong_inverse": (STRONG, True, False),
    "except": (0.0, False, True),
}


def _cue_groups(r: FieldReader, data: Any, prefix: str, language: str) -> list[Cue]:
    """A tree of readings whose leaves are ``{strong: [...], cues: [...], inverse: [...], strong_inverse:
    [...], except: [...]}``."""
    found: list[Cue] = []
    if not isinstance(data, dict):
        r.problem(prefix, "must be a mapping of readings to their cues")
        return found
    for key, value in data.items():
        f = join(prefix, str(key))
        if isinstance(value, dict) and set(value) <= set(_KINDS):
            for kind, (weight, inverse, exception) in _KINDS.items():
                for i, text in enumerate(_phrases(r, value.get(kind), join(f, kind))):
                    cue = _parse_cue(text, language, weight, inverse, f, exception)
                    if cue is None:
                        r.problem(join(join(f, kind), i), f"is not a cue that can be matched: {text!r}")
                    else:
                        found.append(cue)
        elif isinstance(value, dict):
            found += _cue_groups(r, value, f, language)
        else:
            r.problem(f, f"must list cues under {', '.join(_KINDS)}")
    return found


def _index(cues: Iterable[Cue], compounds: bool) -> tuple[dict, dict, dict, dict]:
    by_stem: dict[str, list[Cue]] = {}
    by_prefix: dict[str, list[Cue]] = {}
    by_head: dict[str, list[Cue]] = {}
    by_slot: dict[str, list[Cue]] = {}
    for cue in cues:
        first = cue.steps[0]
        if first.kind == "word":
            by_stem.setdefault(first.value, []).append(cue)
            if compounds and len(first.value) >= COMPOUND_HEAD:
                by_head.setdefault(first.value, []).append(cue)
        elif first.kind == "prefix":
            by_prefix.setdefault(first.value[:3], []).append(cue)
        else:
            by_slot.setdefault(first.kind, []).append(cue)

    def frozen(d: dict[str, list[Cue]]) -> dict[str, tuple[Cue, ...]]:
        return {k: tuple(v) for k, v in d.items()}

    return frozen(by_stem), frozen(by_prefix), frozen(by_head), frozen(by_slot)


THEMES = ("readings.colours.",)
"""Readings of what a brief is about, which a diminisher does not take away: 'weinig gezag' (little
authority) still speaks of power, 'too little recognition' of recognition; 'no tension' does say calm."""
FALLBACK = "#fallback"
"""Added to the group of a hint (``AgencyRule.hints``): evidence that counts only where nothing else does."""
AGENCY = "agency."
"""The group of a verb cue that counts only with its doer (``agency.verbs`` in a cue file)."""


def _agency_rules(
    r: FieldReader, data: Any, language: str, groups: set[str]
) -> tuple[dict[str, AgencyRule], list[Cue]]:
    """The verb classes of ``agency.verbs``: who must do them, when, what they are evidence for."""
    if data is None:
        return {}, []
    top = (
        r.mapping(
            data,
            "agency",
            ("verbs",),
            (
                "group",
                "client",
                "done",
                "infinitive",
                "past_endings",
                "obliged",
                "ourselves",
                "articles",
                "agent",
                "asked",
                "wishes",
                "ongoing",
                "topic",
                "inversion",
            ),
        )
        or {}
    )
    verbs = top.get("verbs")
    if not isinstance(verbs, dict):
        r.problem("agency.verbs", "must be a mapping of verb classes")
        return {}, []
    rules: dict[str, AgencyRule] = {}
    cues: list[Cue] = []
    for ident, value in verbs.items():
        f = join("agency.verbs", str(ident))
        d = r.mapping(value, f, ("doer", "reads", "cues"), ("tense", "hints", "except")) or {}
        doer = r.choice(d.get("doer"), join(f, "doer"), DOERS)
        tense = r.choice(d.get("tense", "now"), join(f, "tense"), TENSES)
        targets: dict[str, list[str]] = {"reads": [], "hints": []}
        for key, found in targets.items():
            for i, target in enumerate(_phrases(r, d.get(key), join(f, key))):
                if f"readings.{target}" not in groups:
                    r.problem(join(join(f, key), i), f"names no reading of this file: {target!r}")
                found.append(f"readings.{target}")
        reads = targets["reads"]
        for key, exception in (("cues", False), ("except", True)):  # except: 'nog te bepalen', not work
            for i, text in enumerate(_phrases(r, d.get(key), join(f, key))):
                cue = _parse_cue(text, language, STRONG, False, AGENCY + str(ident), exception)
                if cue is None:
                    r.problem(join(join(f, key), i), f"is not a cue that can be matched: {text!r}")
                else:
                    cues.append(cue)
        if doer and tense and reads:
            rules[str(ident)] = AgencyRule(str(ident), doer, tense, tuple(reads), tuple(targets["hints"]))
    return rules, cues


def load_lexicon(language: str, folder: str | Path | None = None) -> Lexicon:
    """Read one language's cue file; a PlaybookError names every field that is wrong.

    The shipped cues, once built, are kept in the object cache while their file and this code and the
    stemmer stay as they are (``playbook.objectcache``): an edited file is built afresh.
    """
    if folder:
        return _build_lexicon(language, Path(folder) / f"{language}.yaml")
    path = assets_dir() / "diagnosis" / "cues" / f"{language}.yaml"
    kept = _kept(language, path)
    if kept is None:
        return _build_lexicon(language, path)  # which says what is wrong with the file
    name, key, stamps = kept
    found = objectcache.recall(name, key, lambda v: type(v) is Lexicon and v.language == language)
    if found is None:
        found = _build_lexicon(language, path)
        objectcache.keep(name, key, found, stamps)
        objectcache.keep(f"function-words-{name}", key, found.function_words, stamps)
        objectcache.keep(f"groups-{name}", key, found.groups, stamps)
    return found


def _kept(language: str, path: Path) -> tuple[str, str, list[objectcache.Stamp]] | None:
    """The object cache's name, key and inputs for the shipped cues of ``language``."""
    try:
        stamps = [(path.name, path.stat())]
    except OSError:
        return None
    stemmers = [m for m in (snowballstemmer, sys.modules.get("Stemmer")) if m is not None]
    key = objectcache.make_key(objectcache.code_version(*stemmers), stamps)
    return f"lexicon-{language}-{objectcache.place_name(path)}", key, stamps


def _build_lexicon(language: str, path: Path) -> Lexicon:
    data, _ = load_yaml_file(path)
    r = FieldReader(path)
    top = r.mapping(data, "", ("language", "negation", "who", "readings"), ("agency",)) or {}
    lang = (
        r.mapping(
            top.get("language"),
            "language",
            ("stemmer", "function_words"),
            ("compounds", "closed_words", "skip_words", "generic_heads", "blanks"),
        )
        or {}
    )
    if lang.get("stemmer") != {"en": "english", "nl": "dutch"}.get(language):
        r.problem("language.stemmer", f"must name the stemmer of this language ({language})")
    neg = (
        r.mapping(
            top.get("negation"),
            "negation",
            ("before", "breaks"),
            ("after", "resolved", "diminishers", "through", "closing"),
        )
        or {}
    )
    who = (
        r.mapping(
            top.get("who"),
            "who",
            ("pronouns", "nouns", "determiners", "joiners"),
            ("authorities", "not_names"),
        )
        or {}
    )

    def words(value: Any, f: str) -> frozenset[str]:
        return frozenset(fold(w) for w in _phrases(r, value, f))

    cues = _cue_groups(r, top.get("readings"), "readings", language)
    agency_data = top.get("agency")
    rules, verbs = _agency_rules(r, agency_data, language, {c.group for c in cues})
    cues += verbs
    r.raise_if_any()
    compounds = bool(lang.get("compounds", False))
    by_stem, by_prefix, by_head, by_slot = _index(cues, compounds)

    def sequences(value: Any, f: str) -> tuple[tuple[str, ...], ...]:
        found = (tuple(fold(w) for w in _WORD.findall(_normalise(p))) for p in _phrases(r, value, f))
        return tuple(x for x in found if x)

    negators = sequences(neg.get("before"), "negation.before")
    ag = agency_data if isinstance(agency_data, dict) else {}
    agency = Agency(
        group=sequences(ag.get("group"), "agency.group"),
        client=words(ag.get("client"), "agency.client"),
        done=words(ag.get("done"), "agency.done"),
        infinitive=words(ag.get("infinitive"), "agency.infinitive"),
        past_endings=tuple(sorted(words(ag.get("past_endings"), "agency.past_endings"))),
        obliged=sequences(ag.get("obliged"), "agency.obliged"),
        ourselves=words(ag.get("ourselves"), "agency.ourselves"),
        articles=words(ag.get("articles"), "agency.articles"),
        agent=words(ag.get("agent"), "agency.agent"),
        asked=words(ag.get("asked"), "agency.asked"),
        wishes=words(ag.get("wishes"), "agency.wishes"),
        ongoing=words(ag.get("ongoing"), "agency.ongoing"),
        topic=words(ag.get("topic"), "agency.topic"),
        inversion=words(ag.get("inversion"), "agency.inversion"),
        rules=rules,
    )
    built = Lexicon(
        language=language,
        function_words=words(lang.get("function_words"), "language.function_words"),
        compounds=compounds,
        negators=negators,
        after_negators=words(neg.get("after"), "negation.after"),
        breaks=words(neg.get("breaks"), "negation.breaks"),
        closed_words=words(lang.get("closed_words"), "language.closed_words"),
        skip_words=words(lang.get("skip_words"), "language.skip_words"),
        generic_heads=frozenset(
            stem(fold(w), language) for w in _phrases(r, lang.get("generic_heads"), "language.generic_heads")
        ),
        resolved=sequences(neg.get("resolved"), "negation.resolved"),
        blanks=frozenset(blank_key(w) for w in _phrases(r, lang.get("blanks"), "language.blanks")),
        diminishers=sequences(neg.get("diminishers"), "negation.diminishers"),
        through=words(neg.get("through"), "negation.through"),
        closing=sequences(neg.get("closing"), "negation.closing"),
        who=Who(
            words(who.get("pronouns"), "who.pronouns"),
            frozenset(stem(fold(w), language) for w in _phrases(r, who.get("nouns"), "who.nouns")),
            words(who.get("determiners"), "who.determiners"),
            words(who.get("joiners"), "who.joiners"),
            authorities=frozenset(
                stem(fold(w), language)
                for w in _phrases(r, who.get("authorities"), "who.authorities")
                if len(_WORD.findall(_normalise(w))) == 1
            ),
            not_names=words(who.get("not_names"), "who.not_names"),
            authority_phrases=tuple(
                x
                for x in (
                    tuple(stem(fold(p), language) for p in _WORD.findall(_normalise(w)))
                    for w in _phrases(r, who.get("authorities"), "who.authorities")
                )
                if len(x) > 1
            ),
        ),
        cues=tuple(cues),
        groups=tuple(dict.fromkeys(c.group for c in cues if not c.group.startswith(AGENCY))),
        agency=agency,
        by_stem=by_stem,
        by_prefix=by_prefix,
        by_head=by_head,
        by_slot=by_slot,
    )
    return built


@cache
def lexicon(language: str) -> Lexicon:
    """The shipped cues of one language, read once per process."""
    if language not in LANGUAGES:
        raise PlaybookError(message("errors.no_cues", language=repr(language), choices=", ".join(LANGUAGES)))
    return load_lexicon(language)


@cache
def function_words(language: str) -> frozenset[str]:
    """The shipped function words of one language: all that telling a brief's language needs, kept on
    their own so that an English brief does not load the Dutch cues (and the other way round)."""
    return _lexicon_part(
        language,
        "function-words",
        lambda lex: lex.function_words,
        lambda v: type(v) is frozenset and all(type(w) is str for w in v),
    )


@cache
def groups(language: str) -> tuple[str, ...]:
    """The readings the shipped cues of one language speak of, kept on their own: what a diagnosis
    asks of a lexicon besides reading the brief (the intents it can hear)."""
    return _lexicon_part(
        language,
        "groups",
        lambda lex: lex.groups,
        lambda v: type(v) is tuple and all(type(g) is str for g in v),
    )


def _lexicon_part(
    language: str, part: str, take: Callable[[Lexicon], Any], check: Callable[[Any], bool]
) -> Any:
    """One small part of a shipped lexicon, from its own entry in the object cache (under the lexicon's
    key, so it follows every change the lexicon does) or else from the lexicon itself."""
    if language not in LANGUAGES:
        return take(lexicon(language))  # which says there is no such language
    kept = _kept(language, assets_dir() / "diagnosis" / "cues" / f"{language}.yaml")
    if kept is None:
        return take(lexicon(language))
    name, key, stamps = kept
    found = objectcache.recall(f"{part}-{name}", key, check)
    if found is None:
        found = take(lexicon(language))
        objectcache.keep(f"{part}-{name}", key, found, stamps)
    return found


def detect_language(parts: Mapping[str, str], default: str) -> str:
    """The language a brief is written in, from its function words; ``default`` when it is unclear."""
    counts = {}
    for language in LANGUAGES:
        common = function_words(language)
        counts[language] = sum(
            fold(w) in common for text in parts.values() for w in _WORD.findall(_normalise(text))
        )
    best = max(counts.values())
    leaders = [lang for lang, n in counts.items() if n == best]
    return leaders[0] if best >= 2 and len(leaders) == 1 else default


# ---------------------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Hit:
    """One cue found in the brief."""

    cue: Cue
    first: int
    last: int
    words: str
    """The words as the client wrote them (with the negation, for an inverse cue)."""
    part: str
    negated: bool

    @property
    def counts(self) -> bool:
        return self.negated if self.cue.inverse else not self.negated


def _word_matches(token: Token, step: Step, lex: Lexicon) -> bool:
    if step.kind == "prefix":
        return token.text.startswith(step.value)
    if token.text in lex.closed_words:
        return token.text == step.surface
    if token.stem == step.value or token.verb == step.value:
        return True
    if lex.generic_heads and step.value == (modifier := generic_modifier(token, lex)):
        return True
    return (
        lex.compounds
        and len(step.value) >= COMPOUND_HEAD
        and len(token.stem) - len(step.value) >= COMPOUND_REST
        and token.stem.endswith(step.value)
        and _is_head(token, step.value, lex.language)
        # 'beloningsbeleid' is about rewards: a generic head says nothing beside the cue before it
        and not (lex.generic_heads and modifier and step.value in lex.generic_heads)
    )


def _is_head(token: Token, head: str, language: str) -> bool:
    """Whether the word really ends in a word with stem ``head``: 'werk|afspraken' does, but 'escalatie'
    (stemmed 'escaleer') does not end in 'leren'."""
    rest = len(token.stem) - len(head)
    return token.text[:rest] == token.stem[:rest] and stem(token.text[rest:], language) == head


def _is_name(token: Token, lex: Lexicon) -> bool:
    return (
        token.capital
        and token.text not in lex.function_words
        and token.text not in lex.who.determiners
        and token.text not in lex.who.not_names
    )


_NOUNS: dict[tuple[str, str], bool] = {}


def _is_noun(word_stem: str, lex: Lexicon) -> bool:
    """A group noun, or (Dutch) a compound ending in one ('teamleden')."""
    key = (lex.language, word_stem)
    if (known := _NOUNS.get(key)) is None:
        nouns = lex.who.nouns
        known = _NOUNS[key] = word_stem in nouns or (
            lex.compounds
            and any(word_stem.endswith(n) and len(word_stem) - len(n) >= COMPOUND_REST for n in nouns)
        )
    return known


def _is_boss(doc: Doc, k: int, lex: Lexicon) -> bool:
    """Whether token ``k`` names those in charge, alone ('board') or in a phrase ('head office')."""
    if doc.tokens[k].stem in lex.who.authorities:
        return True
    if not lex.who.authority_phrases:
        return False
    if (marks := doc.memo.get("boss")) is None:
        marks = doc.memo["boss"] = [False] * len(doc.tokens)
        stems = [t.stem for t in doc.tokens]
        for i in range(len(stems)):
            for phrase in lex.who.authority_phrases:
                if tuple(stems[i : i + len(phrase)]) == phrase:
                    for j in range(i, i + len(phrase)):
                        marks[j] = True
    return marks[k]


def _boss_end(doc: Doc, i: int, lex: Lexicon) -> int | None:
    """The last token of those in charge named from token ``i`` ('the board', 'het MT', 'de directie')."""
    tokens, who = doc.tokens, lex.who
    k = i
    while k < len(tokens) and tokens[k].text in who.determiners and k - i < 3:
        k += 1
    end = None
    while k < len(tokens) and tokens[k].sentence == tokens[i].sentence and _is_boss(doc, k, lex):
        end = k
        k += 1
    return end


def _who_end(doc: Doc, i: int, lex: Lexicon, names_only: bool = False) -> int | None:
    """The last token of the people named from token ``i`` ('them', 'the team', 'Anna and Bram')."""
    tokens, who = doc.tokens, lex.who
    end = None
    j = i
    while j < len(tokens) and j - i < 10:
        k = j
        while k < len(tokens) and tokens[k].text in who.determiners and k - j < 3:
            k += 1
        if k >= len(tokens) or tokens[k].sentence != tokens[i].sentence:
            break
        tok = tokens[k]
        noun = _is_noun(tok.stem, lex)
        name = _is_name(tok, lex) and (
            not tok.initial or (k + 1 < len(tokens) and tokens[k + 1].text in who.joiners)
        )
        if not (name or (not names_only and (tok.text in who.pronouns or noun))):
            if not names_only and k > j and tokens[k - 1].text in who.pronouns:
                end = k - 1  # 'van hem of haar verwacht': 'haar' was the person, not a determiner
            break
        end = k
        j = k + 1
        while (
            (noun or name)
            and j < len(tokens)
            and tokens[j].stem in who.nouns
            and tokens[j].sentence == tok.sentence
        ):
            end, j = j, j + 1  # 'the team leads', 'de teamleden', 'our PhD students', 'the Sales team'
        if j < len(tokens) and tokens[j].sentence == tok.sentence:
            if tokens[j].text in who.joiners:
                j += 1
                continue
            if name and _is_name(tokens[j], lex):  # 'Anna, Bram and Chris': the comma is not a token
                continue
        break
    return end


def _may_start_people(doc: Doc, i: int, lex: Lexicon) -> bool:
    """Whether people can be named from token ``i`` at all: a determiner, a pronoun, a name, a group
    noun or those in charge; most words are none of these, and need no walk."""
    tok, who = doc.tokens[i], lex.who
    return (
        tok.capital
        or tok.text in who.determiners
        or tok.text in who.pronouns
        or _is_noun(tok.stem, lex)
        or _is_boss(doc, i, lex)
    )


def _slot_at(
    doc: Doc, j: int, lex: Lexicon, kind: str, slots: dict[tuple[str, int], int | None]
) -> int | None:
    key = (kind, j)
    if key not in slots:
        slots[key] = _boss_end(doc, j, lex) if kind == "boss" else _who_end(doc, j, lex, kind == "name")
    return slots[key]


def _match(doc: Doc, cue: Cue, i: int, lex: Lexicon, slots: dict[tuple[str, int], int | None]) -> int | None:
    """The last token of ``cue`` matched from token ``i``, or None; ``slots`` remembers slot matches."""
    tokens = doc.tokens
    sentence = tokens[i].sentence

    def slot(kind: str, j: int) -> int | None:
        return _slot_at(doc, j, lex, kind, slots)

    def walk(s: int, j: int) -> int | None:
        if s == len(cue.steps):
            return j - 1
        if j >= len(tokens) or tokens[j].sentence != sentence:
            return None
        step = cue.steps[s]
        if step.kind == "gap":
            for skip in range(GAP + 1):
                if j + skip < len(tokens) and (found := walk(s + 1, j + skip)) is not None:
                    return found
            return None
        if step.kind in ("who", "name", "boss"):
            end = slot(step.kind, j)
            return None if end is None else walk(s + 1, end + 1)
        if _word_matches(tokens[j], step, lex):
            return walk(s + 1, j + 1)
        if s > 0 and tokens[j].text in lex.skip_words:  # 'elkaar beter te leren kennen'
            return walk(s, j + 1)
        return None

    return walk(0, i)


@cache
def _by_first(phrases: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Phrases by their first word, so a text is scanned once however many phrases a list has."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        index.setdefault(phrase[0], []).append(phrase)
    return {k: tuple(v) for k, v in index.items()}


def _marks(doc: Doc, phrases: tuple[tuple[str, ...], ...], contractions: bool = False) -> list[bool]:
    """Which tokens belong to one of ``phrases`` (negations, or words that say something is over)."""
    marks = [False] * len(doc.tokens)
    texts = [t.text for t in doc.tokens]
    index = _by_first(phrases)
    for i, text in enumerate(texts):
        if contractions and text.endswith("n't"):
            marks[i] = True
            continue
        for phrase in index.get(text, ()):
            if tuple(texts[i : i + len(phrase)]) == phrase:
                for k in range(i, i + len(phrase)):
                    marks[k] = True
    return marks


def _negated(
    doc: Doc,
    first: int,
    last: int,
    marks: list[bool],
    over: list[bool],
    weak: list[bool],
    lex: Lexicon,
    cue: Cue,
    closing: list[bool] | None = None,
) -> int | None:
    """The first negating token in scope of the hit, or None: a negation before it; for an inverse cue one
    after it ('we vertrouwen elkaar niet'); for any other cue a word after it that says it is over; for a
    cue that opens its sentence, a negation that closes it ('Ruimte om het plan aan te passen is er niet')."""
    tokens = doc.tokens
    inverse = cue.inverse
    opens = tokens[first].initial or (  # 'Een blauwdruk hebben we niet': after its article it opens too
        first > 0
        and tokens[first - 1].initial
        and tokens[first - 1].text in lex.agency.articles | lex.who.determiners
    )
    if closing is not None and opens:
        end = last  # the negation closes the clause: 'Een blauwdruk hebben we niet, het moet groeien.'
        while end + 1 < len(tokens) and tokens[end + 1].clause == tokens[first].clause:
            end += 1
        if end > last and closing[end]:
            k = end
            while k > last + 1 and closing[k - 1]:
                k -= 1
            return k
    if not inverse:
        negation_words = {w for phrase in lex.negators for w in phrase}
        own = any(st.surface in negation_words or st.surface.endswith("n't") for st in cue.steps)
        for k in range(first + 1, last):  # 'the board has not decided': a negation inside the phrase
            if marks[k] and not own:
                return k
        for k in range(last + 1, min(len(tokens), last + 1 + RESOLVED_WINDOW)):
            if tokens[k].sentence != tokens[last].sentence:
                break
            if over[k]:
                return k
    clause = tokens[first].clause
    theme = cue.group.startswith(THEMES)
    if first > 0 and weak[first - 1] and tokens[first - 1].clause == clause and not theme:  # 'low trust'
        k = first - 1
        while k > 0 and weak[k - 1]:
            k -= 1
        return k
    reach = NEGATION_WINDOW
    for k in range(first - 1, -1, -1):  # words of the noun phrase ('a new', 'een nieuw') are reached through
        if tokens[k].clause != clause or reach == 0:
            break
        if marks[k]:
            while k > 0 and marks[k - 1] and tokens[k - 1].clause == clause:
                k -= 1
            return k
        if tokens[k].text not in lex.through:
            reach -= 1
    for k in range(first - 1, max(-1, first - 1 - DOER_WINDOW), -1):
        if tokens[k].clause != clause:
            break
        if tokens[k].text in lex.agency.wishes:  # 'I don't want the board to impose a split'
            for n in (k - 1, k + 1):
                if 0 <= n < first and marks[n] and tokens[n].clause == clause:
                    return n
            break
    if inverse and lex.after_negators:
        for k in range(last + 1, min(len(tokens), last + 1 + NEGATION_WINDOW)):
            if tokens[k].clause != tokens[last].clause:
                break
            if tokens[k].text in lex.after_negators:
                return k
    return None


def find(doc: Doc, lex: Lexicon) -> tuple[Hit, ...]:
    """Every cue of the lexicon found in the document, with its words and whether it is negated."""
    marks = _marks(doc, lex.negators, contractions=True)
    over = _marks(doc, lex.resolved)
    weak = _marks(doc, lex.diminishers)
    closing = _marks(doc, lex.closing) if lex.closing else None
    slots: dict[tuple[str, int], int | None] = {}
    hits: list[Hit] = []
    seen: set[tuple[str, str, bool, int]] = set()
    heard = _sentence_words(doc, lex)
    for i, tok in enumerate(doc.tokens):
        candidates = [*lex.by_stem.get(tok.stem, ()), *lex.by_prefix.get(tok.text[:3], ())]
        if tok.verb:
            candidates += lex.by_stem.get(tok.verb, ())
        if lex.compounds:  # the cue as the last part of a compound: 'afspraak' in 'werkafspraken'
            for k in range(COMPOUND_REST, len(tok.stem) - COMPOUND_HEAD + 1):
                candidates += lex.by_head.get(tok.stem[k:], ())
        if modifier := generic_modifier(tok, lex):  # 'beloning' in 'beloningssysteem'
            candidates += lex.by_stem.get(modifier, ())
        if _may_start_people(doc, i, lex):
            for kind in ("who", "name", "boss"):  # a slot-first cue only where such people are named
                if kind in lex.by_slot and _slot_at(doc, i, lex, kind, slots) is not None:
                    candidates += lex.by_slot[kind]
        here = heard[tok.sentence]
        for cue in candidates:
            if (cue.group, cue.text, cue.inverse, i) in seen:
                continue
            if not here.issuperset(cue.words):
                continue  # a word of the phrase is nowhere in the sentence: no need to walk it
            last = _match(doc, cue, i, lex, slots)
            if last is None:
                continue
            seen.add((cue.group, cue.text, cue.inverse, i))
            if cue.group.startswith(AGENCY) and _in_compound(tok, cue):
                continue  # 'winstverdeling', 'herbestemming': a compound's last part is a noun, no verb
            if lex.compounds and _other_modifier(tok, cue, lex):
                continue  # 'waarderingsbeleid' is a policy of appreciation: the modifier says what it is about
            negator = _negated(doc, i, last, marks, over, weak, lex, cue, closing)
            first = i if negator is None or negator > i else negator
            shown_last = last if negator is None or negator < last else negator
            words = (
                doc.words(first, shown_last) if cue.inverse and negator is not None else doc.words(i, last)
            )
            hits.append(Hit(cue, i, last, words, tok.part, negator is not None))
    if lex.agency.rules:
        hits = _with_doers(doc, lex, hits)
    return tuple(hits)


def _sentence_words(doc: Doc, lex: Lexicon) -> dict[int, set[str]]:
    """Per sentence, every value a word step of a cue could match there: stems, verb forms, the words as
    written, generic compound modifiers and compound heads; a superset, so no match is lost."""
    out: dict[int, set[str]] = {}
    for tok in doc.tokens:
        words = out.setdefault(tok.sentence, set())
        words.update((tok.stem, tok.text))
        if tok.verb:
            words.add(tok.verb)
        if modifier := generic_modifier(tok, lex):
            words.add(modifier)
        if lex.compounds:
            words.update(tok.stem[k:] for k in range(COMPOUND_REST, len(tok.stem) - COMPOUND_HEAD + 1))
    return out


LINKS = ("s", "en", "e", "")
"""Dutch linking letters between the parts of a compound ('waardering-s-beleid', 'boek-en-kast')."""


def _in_compound(token: Token, cue: Cue) -> bool:
    """Whether ``cue`` matched ``token`` only as the last part of a compound."""
    first = cue.steps[0]
    return first.kind == "word" and first.value not in (token.stem, token.verb)


def _other_modifier(token: Token, cue: Cue, lex: Lexicon) -> bool:
    """Whether ``cue`` matched only as the head of a compound whose first part is itself a cue for another
    reading of the same kind ('beleid', blue, in 'waarderingsbeleid', whose 'waardering' is red). Such a
    compound speaks of its first part; the first part's own reading is found by its modifier cue."""
    if not _in_compound(token, cue):
        return False
    first = cue.steps[0]
    if not token.stem.endswith(first.value):
        return False
    kind = cue.group.rsplit(".", 1)[0]
    return any(
        c.group != cue.group and c.group.rsplit(".", 1)[0] == kind
        for c in _modifier_cues(token, first.value, lex)
    )


_MODIFIERS: dict[tuple[str, str, str], tuple[Cue, ...]] = {}


_GENERIC: dict[tuple[str, str], str] = {}


def generic_modifier(token: Token, lex: Lexicon) -> str:
    """The stem of the first part of a compound that ends in a generic head ('belon' of
    'beloningssysteem', 'feedback' of 'feedbackcultuur'), or '': such a compound is about its first part."""
    if not lex.generic_heads or len(token.text) < COMPOUND_HEAD + COMPOUND_REST + 1:
        return ""
    key = (lex.language, token.text)
    if (found := _GENERIC.get(key)) is None:
        found = ""
        text = token.text
        for cut in range(COMPOUND_HEAD, len(text) - COMPOUND_REST + 1):
            if stem(text[cut:], lex.language) in lex.generic_heads:
                rest = text[:cut]
                for link in LINKS:  # every word ends with "", so the part as it stands comes last
                    part = rest[: len(rest) - len(link)]
                    if (
                        rest.endswith(link)
                        and len(part) >= COMPOUND_HEAD
                        and (s := stem(part, lex.language)) in lex.by_stem
                    ):
                        found = s
                        break
                if found:
                    break
        if len(_GENERIC) > 50_000:
            _GENERIC.clear()
        _GENERIC[key] = found
    return found


def _modifier_cues(token: Token, head: str, lex: Lexicon) -> tuple[Cue, ...]:
    """The one-word cues the first part of a compound matches ('waardering' in 'waarderingsbeleid')."""
    key = (lex.language, token.text, head)
    if (found := _MODIFIERS.get(key)) is None:
        rest = token.text[: len(token.stem) - len(head)]
        cues: list[Cue] = []
        for link in LINKS:
            if link and not rest.endswith(link):
                continue
            part = rest[: len(rest) - len(link)]
            if len(part) >= COMPOUND_HEAD:
                cues += [c for c in lex.by_stem.get(stem(part, lex.language), ()) if len(c.steps) == 1]
        found = _MODIFIERS[key] = tuple(cues)
    return found


def _doer(doc: Doc, first: int, last: int, lex: Lexicon, group: list[bool]) -> tuple[str, int] | None:
    """Who does the verb at ``first``…``last``: the nearest doer before it in the sentence, else one right
    after it in its clause (Dutch inversion: 'dan besluit de directie'); None when nobody is named."""
    tokens = doc.tokens

    def kind(k: int) -> str | None:
        tok = tokens[k]
        if tok.text in lex.agency.asked:
            return "asked"
        if _is_boss(doc, k, lex):
            return "boss"
        if tok.text in lex.agency.client:
            return "client"
        if group[k] or tok.text in lex.who.pronouns or _is_noun(tok.stem, lex):
            return "group"
        if _is_name(tok, lex) and not tok.initial:
            return "group"
        return None

    sentence = tokens[first].sentence
    if (
        first > 0
        and tokens[first - 1].text in lex.agency.inversion
        and (first == 1 or tokens[first - 2].clause != tokens[first].clause)
    ):  # 'daarbinnen kiezen de teams': after an adverb the subject follows its verb
        for k in range(last + 1, min(len(tokens), last + 1 + NEGATION_WINDOW)):
            if tokens[k].clause != tokens[last].clause:
                break
            if (found := kind(k)) is not None:
                return found, k
    for k in range(first - 1, max(-1, first - 1 - DOER_WINDOW), -1):
        if tokens[k].sentence != sentence:
            break
        if (found := kind(k)) is not None:
            if found == "client" and (named := _wished(doc, k, first, lex)) is not None:
                return "group", named
            return found, k
    for k in range(last + 1, min(len(tokens), last + 1 + NEGATION_WINDOW)):
        if tokens[k].clause != tokens[last].clause:
            break
        if (found := kind(k)) is not None and found != "group":
            return found, k
    return None


def _wished(doc: Doc, client: int, verb: int, lex: Lexicon) -> int | None:
    """In 'I'd like the curators … to go over it' the people between the client's wish and the verb do it:
    the first word after the wish, when words other than 'to' and function words stand between."""
    tokens = doc.tokens
    for w in range(client + 1, min(verb, client + 3)):
        if tokens[w].text in lex.agency.wishes:
            between = [
                k
                for k in range(w + 1, verb)
                if tokens[k].text not in lex.agency.infinitive and tokens[k].text not in lex.function_words
            ]
            return between[0] if between else None
    return None


def _as_noun(doc: Doc, first: int, lex: Lexicon) -> bool:
    """The verb is a noun here: right after an article ('before the vote'), or after an article and a
    capitalised word that is no doer ('a GP practice')."""
    tokens, articles = doc.tokens, lex.agency.articles
    if first == 0 or tokens[first - 1].sentence != tokens[first].sentence:
        return False
    prev = tokens[first - 1]
    if prev.text in articles:
        return True
    return (
        first > 1
        and prev.capital
        and not prev.initial
        and not _is_boss(doc, first - 1, lex)
        and not _is_noun(prev.stem, lex)
        and tokens[first - 2].text in articles
        and tokens[first - 2].sentence == prev.sentence
        and not (first > 2 and tokens[first - 3].text in lex.agency.agent)  # 'door de DG vastgesteld'
    )


def _by_agent(doc: Doc, at: int, lex: Lexicon) -> bool:
    """The doer at ``at`` follows 'by' or 'door' (a determiner between): the verb is a passive, done."""
    tokens = doc.tokens
    k = at - 1
    while k >= 0 and tokens[k].text in lex.who.determiners:
        k -= 1
    return k >= 0 and tokens[k].text in lex.agency.agent and tokens[k].sentence == tokens[at].sentence


def _in_question(doc: Doc, at: int, lex: Lexicon) -> bool:
    """The doer opens an indirect question ('about how we learn', 'waarover hoe we leren'): the verb is what
    is talked about, not work anybody is asked to do."""
    tokens = doc.tokens
    return (
        at > 0 and tokens[at - 1].text in lex.agency.topic and tokens[at - 1].sentence == tokens[at].sentence
    )


def _in_progress(doc: Doc, first: int, at: int | None, lex: Lexicon) -> bool:
    """The verb is in the progressive right after a form of 'be' with the client's side as its doer
    ('we're reviewing', 'we are designing'): what is going on already, not what the group will do."""
    tokens = doc.tokens
    if (
        first == 0
        or not tokens[first].text.endswith("ing")
        or tokens[first - 1].text not in lex.agency.ongoing
    ):
        return False
    return at is None or tokens[at].text in lex.agency.ourselves or tokens[at].text in lex.agency.client


def _own_past_form(text: str, cue: Cue, agency: Agency) -> bool:
    """'approved' found by the cue 'approve': the verb in its own past form, where the cue is not."""
    return bool(agency.past_endings) and (
        text.endswith(agency.past_endings) and not cue.steps[0].surface.endswith(agency.past_endings)
    )


def _with_doers(doc: Doc, lex: Lexicon, hits: list[Hit]) -> list[Hit]:
    """Verb cues of ``agency.verbs`` become evidence only with the doer and tense their class asks for;
    the evidence quotes the doer with the verb ('the team works out', 'het MT heeft besloten')."""
    agency, tokens = lex.agency, doc.tokens
    group = _marks(doc, agency.group)
    obliged = _marks(doc, agency.obliged)
    out = [h for h in hits if not h.cue.group.startswith(AGENCY)]
    other_sense = {(h.cue.group, k) for h in hits if h.cue.exception for k in _span(h)}
    for h in hits:
        if not h.cue.group.startswith(AGENCY) or h.negated or h.cue.exception:
            continue
        if any((h.cue.group, k) in other_sense for k in _span(h)):
            continue  # 'nog te bepalen': a gap in the brief, not work anybody does
        rule = agency.rules[h.cue.group.removeprefix(AGENCY)]
        if _as_noun(doc, h.first, lex):
            continue
        found = _doer(doc, h.first, h.last, lex, group)
        doer, at = found if found is not None else ("group", None)  # nobody named: the session's work
        if doer != rule.doer:
            continue
        sentence = tokens[h.first].sentence
        # The auxiliary sits between the doer and the verb ('het MT heeft het nieuwe werken vastgesteld'),
        # or just before the verb where nobody is named ('have already picked').
        named = at is not None and at < h.first
        since = at + 1 if named else h.first - DONE_WINDOW
        before = [k for k in range(max(0, since), h.first) if tokens[k].sentence == sentence]
        done = (
            any(tokens[k].text in agency.done for k in before)
            and not (h.first > 0 and tokens[h.first - 1].text in agency.infinitive)
        ) or (at is not None and _by_agent(doc, at, lex))
        if named and not done and agency.past_endings and rule.tense == "done":
            done = tokens[h.first].text.endswith(agency.past_endings)  # 'the board approved'

        if (rule.tense == "now" and done) or (rule.tense == "done" and not done):
            continue
        if rule.tense == "now" and named and _own_past_form(tokens[h.first].text, h.cue, agency):
            continue  # 'the coordinators choose between the three approved programmes': a thing done
        if rule.stance_only and at is not None and at < h.first and _in_question(doc, at, lex):
            continue  # 'we think about how we learn': how they learn is the topic, not the work
        if rule.tense == "now" and _in_progress(doc, h.first, at, lex):
            continue  # 'we're reviewing the career paths': the organisation's work, not the session's
        ordered = at is not None and tokens[at].text not in agency.ourselves
        if rule.steered and at is not None and not ordered:
            continue  # 'an escalation procedure we all stick to': a commitment the client shares, not an order
        if rule.tense == "now" and ordered and any(obliged[k] for k in range(at + 1, h.first)):
            continue  # 'the heads of department must take over the actions': an order, not their work
        first, last = (h.first, h.last) if at is None else (min(at, h.first), max(at, h.last))
        if at is not None and at < h.first:
            while (
                first > 0
                and (
                    tokens[first - 1].text in lex.who.determiners
                    or (doer == "boss" and _is_boss(doc, first - 1, lex))  # 'head office', 'raad van bestuur'
                )
                and tokens[first - 1].sentence == tokens[first].sentence
            ):
                first -= 1
        if at is None or abs(h.first - at) <= AGENCY_SHOWN:
            words = doc.words(first, last)
        elif at < h.first:
            words = f"{doc.words(first, at)} … {h.words}"
        else:
            words = f"{h.words} … {doc.words(at, at)}"
        text = (
            f"{{{rule.doer}}} {h.cue.text}"
            if rule.tense == "now"
            else f"{{{rule.doer}}} {rule.tense} {h.cue.text}"
        )
        for reads in (*rule.reads, *(x + FALLBACK for x in rule.hints)):
            cue = Cue(text, h.cue.steps, STRONG, False, False, reads)
            out.append(Hit(cue, first, last, words, h.part, False))
    return out


# ---------------------------------------------------------------------------------------- evidence


@dataclass(frozen=True)
class Evidence:
    """What the brief says for one label: the cues that count, their weight, and what was set aside."""

    group: str
    score: float
    hits: tuple[Hit, ...]
    set_aside: tuple[Hit, ...] = ()
    """Cues found but negated ("geen conflict"): shown so the facilitator sees they were read."""

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h.words for h in self.hits))


def weigh(hits: Iterable[Hit], group: str, part_weights: Mapping[str, float]) -> Evidence:
    """The independent evidence for one label: each cue once, overlapping words once, parts weighted.

    Cues that overlap in the text (the phrase "project plan" and the word "plan") count once, with the
    stronger one; the same cue found twice counts once (also in another form: 'bonus' and 'bonuses'), so
    repeating a word is not more evidence. A cue
    inside a phrase listed as another sense ("conflict of interest") is set aside.
    """
    mine = [h for h in hits if h.cue.group == group and part_weights.get(h.part, 0) > 0]
    other_sense = {k for h in mine if h.cue.exception for k in _span(h)}
    in_other_sense = [h for h in mine if not h.cue.exception and other_sense & _span(h)]
    mine = [h for h in mine if not h.cue.exception and not other_sense & _span(h)]
    counting = sorted(
        (h for h in mine if h.counts),
        key=lambda h: (-h.cue.weight * part_weights[h.part], -(h.last - h.first), h.first),
    )
    kept: list[Hit] = []
    used: set[tuple[str, int]] = set()
    cues: set[tuple[str, ...]] = set()
    for h in counting:
        span = _span(h)
        if (key := _same_cue(h.cue)) in cues or span & used:
            continue
        kept.append(h)
        used |= span
        cues.add(key)
    score = sum(h.cue.weight * part_weights[h.part] for h in kept)
    aside = tuple(h for h in mine if not h.counts and not h.cue.inverse) + tuple(in_other_sense)
    order = list(part_weights)
    kept.sort(key=lambda h: (order.index(h.part), h.first))
    return Evidence(group, round(score, 2), tuple(kept), aside)


def _same_cue(cue: Cue) -> tuple[str, ...]:
    """What makes two cues one piece of evidence: the same stems ('bonus' and 'bonuses' are one cue, so a
    word repeated in the visible result is not a second piece of evidence when the cue file lists both forms)."""
    return tuple(f"{st.kind}:{st.value}" for st in cue.steps)


def claimed_by(evidence: Iterable[Evidence]) -> frozenset[tuple[str, int]]:
    """The words these readings' counted cues cover, part by part: "dat besluit is genomen" read as a
    decision already taken is not also the group's decision."""
    return frozenset(k for ev in evidence for h in ev.hits for k in _span(h))


def _span(hit: Hit) -> set[tuple[str, int]]:
    return {(hit.part, k) for k in range(hit.first, hit.last + 1)}


def confidence(score: float, need: float, rival: float = 0.0) -> int:
    """0-100: rises with the evidence (63 at exactly what is needed, 86 at twice that), and falls when a
    rival reading has nearly as much."""
    if score <= 0:
        return 0
    strength = 1 - math.exp(-score / need)
    margin = 1.0 if rival <= 0 else max(0.0, min(1.0, (score - rival) / score + 0.25))
    return round(100 * strength * margin)


@dataclass(frozen=True)
class Reading:
    """A judgement from the client's words (or the facilitator's correction of it), with its evidence."""

    value: str | tuple[str, ...]
    """An id, two ids for a mix, or 'unclear'."""
    confidence: int
    evidence: tuple[str, ...]
    """The words that led to it, as the client wrote them."""
    read: str | tuple[str, ...] | None = None
    """What the playbook read, when the facilitator's word replaced it; None when it stands as read."""
    learned: bool = False
    """Read by the learned reader from the brief's wording as a whole (playbook.learned), not by the cues:
    the evidence is then the words that weighed most, and the reading says so wherever it is shown."""

    @property
    def corrected(self) -> bool:
        return self.read is not None and self.read != self.value

    @property
    def values(self) -> tuple[str, ...]:
        """The value as a tuple of ids: () when unclear."""
        if self.value == "unclear":
            return ()
        return self.value if isinstance(self.value, tuple) else (self.value,)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "value": list(self.value) if isinstance(self.value, tuple) else self.value,
            "confidence": self.confidence,
            "evidence": list(self.evidence),
        }
        if self.read is not None:
            data["read"] = list(self.read) if isinstance(self.read, tuple) else self.read
        if self.learned:
            data["reader"] = "learned"
        return data


@dataclass(frozen=True)
class BriefText:
    """A brief read once: the language of each part, its tokens and every cue found, for all readings."""

    language: str
    """The language most of the brief is written in."""
    docs: tuple[Doc, ...]
    """One document per part of the brief, each in its own language (a Dutch wish, an English context)."""
    hits: tuple[Hit, ...]
    by_group: dict[str, tuple[Hit, ...]] = field(init=False, repr=False, compare=False)
    """The hits of each reading, so that weighing one reading does not pass over every other's."""

    def __post_init__(self) -> None:
        index: dict[str, list[Hit]] = {}
        for h in self.hits:
            index.setdefault(h.cue.group, []).append(h)
        object.__setattr__(self, "by_group", {k: tuple(v) for k, v in index.items()})

    def evidence(
        self,
        group: str,
        part_weights: Mapping[str, float],
        fallback: bool = False,
        claimed: frozenset[tuple[str, int]] = frozenset(),
    ) -> Evidence:
        """The evidence for one reading; with ``fallback`` also the hints that count only where nothing
        else does (``AgencyRule.hints``); without the cues wholly inside words a rival reading has
        ``claimed`` (``claimed_by``)."""
        hits = self.by_group.get(group, ())
        if fallback and (extra := self.by_group.get(group + FALLBACK)):
            hits = (*hits, *(replace(h, cue=replace(h.cue, group=group)) for h in extra))
        if claimed:
            hits = tuple(h for h in hits if not _span(h) <= claimed)
        return weigh(hits, group, part_weights)


def blank_key(text: str) -> str:
    """A part's words, folded, for comparing it with a lexicon's ``blanks``."""
    return " ".join(_WORD.findall(fold(text)))


_READ: dict[tuple[tuple[tuple[str, str], ...], str], BriefText] = {}

READING_SLOTS = 32
"""How many briefs read are kept between processes: each brief has one slot, picked by its hash, so a
brief being typed in a notebook (a new reading at every change) replaces, and never adds, entries."""


def read_brief(parts: Mapping[str, str], default_language: str) -> BriefText:
    """Tokenise and match a brief once; the same words read again come from a small cache.

    Each part is read in its own language (a facilitator may paste an English e-mail into a Dutch
    session); a part too short to tell follows the brief as a whole, and that follows ``default_language``.
    A brief read by an earlier process comes from the object cache while the cue files, the stemmer and
    this code are as they were (``playbook.objectcache``), so a command need not load the cues at all.
    """
    key = (tuple(parts.items()), default_language)
    if (found := _READ.get(key)) is not None:
        return found
    kept = _kept_reading(key)
    if kept is None:
        found = _read_brief(parts, default_language)
    else:
        name, kept_key, stamps = kept
        if (found := objectcache.recall(name, kept_key, _is_brief_text)) is None:
            found = _read_brief(parts, default_language)
            objectcache.keep(name, kept_key, found, stamps)
    if len(_READ) > 256:
        _READ.clear()
    _READ[key] = found
    return found


def _read_brief(parts: Mapping[str, str], default_language: str) -> BriefText:
    filled = {k: v for k, v in parts.items() if v and v.strip()}
    overall = detect_language(filled, default_language)
    docs, hits = [], []
    for part, text in filled.items():
        lex = lexicon(detect_language({part: text}, overall))
        if lex.blanks and blank_key(text) in lex.blanks:
            continue
        doc = tokenise({part: text}, lex.language, lex.breaks)
        docs.append(doc)
        hits += find(doc, lex)
    return BriefText(overall, tuple(docs), tuple(hits))


def _kept_reading(key: tuple[Any, ...]) -> tuple[str, str, list[objectcache.Stamp]] | None:
    """The object cache's name, key and inputs for a brief's reading: its words, and the shipped cues of
    every language (any of them may be the one a part is read in), with their code and stemmer."""
    cues = assets_dir() / "diagnosis" / "cues"
    found = [_kept(language, cues / f"{language}.yaml") for language in LANGUAGES]
    if any(k is None for k in found):
        return None
    digest = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()
    version = "\n".join(k[1] for k in found if k is not None)
    stamps = [stamp for k in found if k is not None for stamp in k[2]]
    slot = int(digest[:8], 16) % READING_SLOTS
    name = f"reading-{objectcache.place_name(cues)}-{slot}"
    return name, objectcache.content_key(version, digest), stamps


def _is_brief_text(value: Any) -> bool:
    return type(value) is BriefText
