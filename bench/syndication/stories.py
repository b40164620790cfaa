"""A seeded writer of plausible news stories: a topic, a town, a cast, and paragraphs from sentence templates.

Every story has its own cast, numbers and place, but stories on one topic share their vocabulary,
and a `sibling` story shares even the town, the organisation and part of the cast.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from bench.syndication.words import (
    AMOUNT_UNITS,
    CURRENCIES,
    FIRST,
    HEDGE,
    LAST,
    MONTHS,
    ROLES,
    SAY,
    TOPICS,
    TOWN_HEADS,
    TOWN_TAILS,
    WEEKDAYS,
    WHEN,
)

SENTENCES = [" ".join(block.split()) for block in """
{Actor} {act} {thing} {when}, {a move that|which|a decision} {person} {said} {hedge} {lead
to|mean|bring} {effect}.

The {decision|vote|announcement|move} {follows|comes after|caps} {months|weeks|a year} of
{debate|wrangling|argument} over {reason}, which {org} {has blamed|blames|held responsible} for
{effect}.

"{We have listened to|We hear|We owe it to} {people|families|everyone} in {town}{,| and} we
{know|understand} that {thing} {matters|is important} to them," {person} {said}.

{Person}, {role} {org}, {said} that {actor} {had no choice but to act|could not wait any longer|was
forced to move} after {reason}.

{Figures|Data|Numbers} {from|released by|compiled by} {org} show {num} {units} {were|had been}
{affected|hit} in {month}, {up|down} {pct} percent on {a year earlier|the same month last year|{year}}.

{Actor} {hedge} {plan} {thing} by {year}, {according to|says|reports} {documents seen by this
newspaper|a leaked memo|a draft report|{org}}.

{Critics|Opponents|Campaigners} {say|argue|insist} the {plan|proposal|scheme} does {little|nothing|not
enough} to {address|tackle|fix} {reason} and {warn of|predict|fear} {effect}.

In {town}, where {num} {units} {depend on|rely on|use} {thing}, the mood {was|is} one of {mood}.

"This is {verdict} for {town}," {said2} {person}, who has {campaigned} for {years|a decade|{num2}
years}.

The {cost|bill|price tag} {is put at|is estimated at|could reach} {amount} {unit} {currency}, {of
which|and} {share} {will come|is expected to come|would be paid} from {org}.

{Person} {said} the first {results|findings|figures} {hedge} be {known|published|available} in {month},
but {cautioned against|warned against|was wary of} {caution}.

{Actor} first raised {concerns|questions|the alarm} about {thing} in {year}, when {reason} {began}.

A {report|study|review|survey} published {when} by {org} found that {pct} percent of {units} had
{seen|faced|suffered} {effect}.

Asked whether {actor} would {plan} {thing2}, {person} {said} that "{nothing has been ruled out|all
options are on the table|no decision has been taken}".

{Several|A number of|Dozens of|At least {pct}} {units} in {town} have already {reported} {effect}, {org}
{said}.

The {ordinal} {meeting|hearing|consultation|session} on the {issue|matter|plans} is {due to take
place|scheduled|expected} on {day} {date} {month}.

{Opposition to|Anger over|Support for} the {plan|proposal|decision} has grown since {month}, with {num}
people {signing|backing|joining} a {petition|campaign|letter} {against|about|over} it.

{Person} of {org} {said} {actor} "{failed}" and {called for|demanded|urged} {demand}.

{Officials|A spokesperson|Managers} {insisted|maintained|stressed} that {thing} was {safe|secure|sound}
and that {effect} would be {avoided|prevented|kept to a minimum}.

{Actor} {act} {thing2} in {year} after {reason}, a step that was {widely|largely|at first} {judged} at
the time.

"{We are not going to pretend this is easy|Nobody said this would be simple|This was never going to be
painless}," {said2} {person}. "But {thing} {cannot wait|has to come first|is too important to delay}."

Under the {proposals|plans|new rules}, {num} {units} would be {moved} by {the end of|the middle
of|early} {year}.

{Person}, who {lives|has lived|works} in {town}, {said} {she|he} had {noticed} {effect} since {month}.

The {region} has {seen|faced|lived through} {effect} before, {most recently|notably|last} in {year2}.

{Local|Regional|National} {politicians|leaders|representatives} {are expected to|will|plan to}
{discuss|debate|raise} {thing} {when they meet|at a meeting|in a session} on {day}.

{It is|This is} the {ordinal} time {in {num2} years|since {year2}|this year} that {thing} has {made
headlines|come under scrutiny|been in the spotlight}.

{Person} {said} {the|a} {figure|total|number} of {num} {units} was "{mood2}" and
{promised|pledged|vowed} to {plan} {thing2}.

{Meanwhile|Elsewhere|In a separate development}, {actor} in {town2} {act} {thing2} {when}.

{Residents|Business owners|Parents|Pensioners} {told|spoke to} this {newspaper|paper|reporter} of
{effect}, {with|and} {one|another|many} {describing|calling} it {verdict}.

{Records|Archives|Minutes} {show|reveal|suggest} that {actor} {had been warned|knew|was told} about
{reason} {as early as|in|before} {year2}.
""".strip().split("\n\n")]  # {slot}: filled from the cast and topic; {a|b|c}: one of the wordings

CHOICE = re.compile(r"\{((?:[^{}|]|\{\w+\})*(?:\|(?:[^{}|]|\{\w+\})*)+)\}")  # {a|b}, may hold {slot}s
PHRASES = {  # slot -> wordings, one drawn per sentence
    "mood": ["cautious relief", "anger", "disbelief", "quiet optimism", "frustration", "celebration"],
    "mood2": ["unacceptable", "deeply worrying", "encouraging", "a disgrace", "not good enough",
              "a milestone"],
    "verdict": ["a good day", "a dark day", "a turning point", "a wake-up call", "long overdue",
                "a step backwards"],
    "campaigned": ["campaigned on the issue", "fought the plans", "argued for change", "lobbied ministers"],
    "caution": ["drawing early conclusions", "expecting quick results", "reading too much into the figures"],
    "reported": ["reported", "complained of", "noticed", "warned of"],
    "failed": ["has failed the people it serves", "ignored the warnings", "acted far too late",
               "got its priorities wrong"],
    "demand": ["an independent inquiry", "a public meeting", "the resignation of those responsible",
               "urgent funding from the government", "a full review"],
    "judged": ["criticised", "welcomed", "questioned", "praised"],
    "moved": ["moved", "affected", "replaced", "reviewed", "transferred"],
    "noticed": ["noticed", "seen", "experienced", "lived with"],
    "region": ["region", "valley", "coast", "district", "city", "county"],
    "ordinal": ["next", "second", "third", "final", "first public"],
    "began": ["first emerged", "became clear", "began to bite", "was first reported"],
    "share": ["half", "a third", "most", "a quarter", "two thirds"],
    "said": SAY, "said2": ["said", "added", "says"], "hedge": HEDGE, "day": WEEKDAYS, "month": MONTHS,
    "unit": AMOUNT_UNITS, "currency": CURRENCIES,
}
TOPIC_SLOTS = {"actor": "actors", "act": "acts", "thing": "things", "thing2": "things", "plan": "plans",
               "reason": "reasons", "effect": "effects", "units": "units"}
HEADLINES = ["{Town} {thing_title} {verb_title} amid {reason}", "{Actor_title} {act} {thing}",
             "{Person} warns of {effect}", "Row over {thing} deepens in {town}",
             "{thing_title}: what happens next", "{Town} braces for {effect}",
             "Questions over {thing} after {reason}"]


@dataclass
class Cast:
    """Who and where a story is about; siblings share a cast."""

    topic: str
    town: str
    org: str
    people: list[str]
    roles: list[str] = field(default_factory=list)


@dataclass
class Story:
    topic: str
    title: str
    paragraphs: list[str]
    cast: Cast


def town_name(rng: random.Random) -> str:
    return rng.choice(TOWN_HEADS) + rng.choice(TOWN_TAILS)


def new_cast(rng: random.Random, topic: str | None = None) -> Cast:
    topic = topic or rng.choice(list(TOPICS))
    town = town_name(rng)
    org = rng.choice(TOPICS[topic]["orgs"]).format(town=town)
    people = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(2, 4))]
    return Cast(topic, town, org, people, [rng.choice(ROLES) for _ in people])


def sibling_cast(rng: random.Random, cast: Cast) -> Cast:
    """Same topic, town and organisation, half the people: a different story from the same beat."""
    keep = cast.people[: max(1, len(cast.people) // 2)]
    people = keep + [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(1, 2))]
    return Cast(cast.topic, cast.town, cast.org, people, [rng.choice(ROLES) for _ in people])


def numbers(rng: random.Random) -> dict[str, str]:
    return {"year": str(rng.randint(2015, 2029)), "year2": str(rng.randint(1990, 2014)),
            "num": f"{rng.randint(12, 9800):,}", "num2": str(rng.randint(2, 40)),
            "pct": str(rng.randint(2, 60)), "date": str(rng.randint(1, 28)),
            "amount": str(rng.randint(2, 950))}


def slots(rng: random.Random, cast: Cast) -> dict[str, str]:
    """A fresh fill for every template slot (called per sentence, so sentences differ)."""
    lex = TOPICS[cast.topic]
    values = {name: rng.choice(options) for name, options in PHRASES.items()}
    values.update({name: rng.choice(lex[key]) for name, key in TOPIC_SLOTS.items()})
    values.update(numbers(rng))
    who = rng.randrange(len(cast.people))
    values.update(org=cast.org, town=cast.town, town2=town_name(rng), person=cast.people[who],
                  Person=cast.people[who], role=cast.roles[who],
                  when=rng.choice(WHEN).format(day=rng.choice(WEEKDAYS)),
                  Actor=values["actor"][0].upper() + values["actor"][1:])
    return values


def choose_wordings(rng: random.Random, template: str) -> str:
    """Resolve every {a|b|c} to one of its wordings; plain {slot}s are left for str.format."""
    while (match := CHOICE.search(template)) is not None:
        template = template[: match.start()] + rng.choice(match[1].split("|")) + template[match.end():]
    return template


def sentence(rng: random.Random, cast: Cast) -> str:
    return choose_wordings(rng, rng.choice(SENTENCES)).format(**slots(rng, cast))


def paragraph(rng: random.Random, cast: Cast) -> str:
    return " ".join(sentence(rng, cast) for _ in range(rng.choice((1, 2, 2, 3))))


def headline(rng: random.Random, cast: Cast) -> str:
    values = slots(rng, cast)
    values.update(Town=cast.town, thing_title=values["thing"].removeprefix("the ").capitalize(),
                  verb_title=rng.choice(["in doubt", "under fire", "approved", "delayed", "back on track"]),
                  Actor_title=values["Actor"])
    return rng.choice(HEADLINES).format(**values)


def write_story(rng: random.Random, cast: Cast | None = None) -> Story:
    cast = cast or new_cast(rng)
    paragraphs = [paragraph(rng, cast) for _ in range(rng.randint(6, 14))]
    return Story(cast.topic, headline(rng, cast), paragraphs, cast)
