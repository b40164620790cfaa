"""Rules that drop what trafilatura keeps but is not the article.

Each rule looks at one page only and uses no site-specific knowledge: the headline repeated
as the first paragraph, bylines and datelines above the text, "see also" / "read more" lines
and the link lists they introduce, share/subscribe calls, and the tail of author bios,
contact lines and copyright notices after the story.
"""

from __future__ import annotations

import re

from workers.clean_body import Block

# Lines that introduce links to other articles, in the languages news sites use most.
_SEE_ALSO = (
    r"related(?: articles?| stories| story| coverage| content| posts?| reading| news| links?| topics?)?"
    r"|read (?:more|also|next)|also read|see (?:also|more)|also (?:on|see|in)"
    r"|more (?:on|from|about) (?:this|that|the)"
    r"|more stories|more:|you (?:may|might) (?:also )?(?:like|enjoy|be interested)|recommended(?: for you)?"
    r"|most (?:read|popular|viewed)|popular on|don'?t miss|trending(?: now)?|further reading|editor'?s picks?"
    r"|top stories|watch:|listen:|in other news|siehe auch|lesen sie (?:auch|mehr)|mehr zum thema|mehr dazu"
    r"|auch interessant|ähnliche artikel|weitere artikel|das könnte sie (?:auch )?interessieren|meistgelesen"
    r"|lire (?:aussi|également|la suite)|à lire (?:aussi|également)|voir aussi|à voir aussi|sur le même sujet"
    r"|articles similaires|les plus lus|lea también|lee también|leer más|ver también|te puede interesar"
    r"|(?:noticias|artículos) relacionad[oa]s|también te puede interesar|leia (?:também|mais)"
    r"|veja (?:também|mais)|saiba mais|(?:notícias|artigos) relacionad[oa]s|leggi (?:anche|di più)"
    r"|vedi anche|articoli correlati|(?:ti )?potrebbe (?:anche )?interessarti|lees (?:ook|meer)|zie ook"
    r"|gerelateerde artikelen|czytaj (?:też|także|więcej)|zobacz (?:też|także)|przeczytaj (?:też|także)"
    r"|читайте (?:также|еще)|смотрите также|читать далее|по теме|похожие статьи|läs (?:också|mer)|se også"
    r"|les også|lue myös|devamını oku|ilgili haberler"
)
# Calls to act on the page rather than to read it: an imperative opening a sentence, or an inbox.
_CALL_TO_ACTION = (
    r"sign up|subscribe|click|tap|share|follow|like us|download|get (?:the|our)|join us|register"
    r"|tell us|send us|leave a comment|print|abonnieren sie|melden sie sich"
    r"|folgen sie|teilen sie|abonnez-vous|suivez-nous|partagez|inscrivez-vous|suscr[ií]bete|síguenos"
    r"|comparte|inscreva-se|siga-nos|compartilhe|iscriviti|seguici|condividi|abonneer|volg ons"
    r"|подпишитесь|поделитесь"
)
_SEE_ALSO_START = re.compile(rf"^[\[(]?\s*(?:{_SEE_ALSO})(?!\w)\s*[:>»|\-–—]?", re.I)
_CTA = re.compile(
    rf"(?:^|[.!?]\s+)(?:{_CALL_TO_ACTION})\b|\b(?:your inbox|our newsletters?|our app)\b",
    re.I,
)
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright\b)|all rights reserved|alle rechte vorbehalten|tous droits réservés"
    r"|todos los derechos reservados|tutti i diritti riservati|todos os direitos reservados",
    re.I,
)
_CONTACT = re.compile(
    r"^(?:write to|e-?mail|contact|reach|follow|send (?:tips|us)|got a (?:tip|story))\b|\S+@\S+\.\w{2,}|https?://",
    re.I,
)
_CREDIT = re.compile(
    r"^\(?(?:(?:additional )?reporting|editing|writing) by\b|contributed (?:reporting|to this)"
    r"|^(?:contributing|source|sources|quelle|fuente|fonte|fonti|источник)\s*:",
    re.I,
)
_BYLINE = re.compile(r"^(?:by|von|por|par|di|door|av|af|от|przez)\s+\S", re.I)
_READING_TIME = re.compile(
    r"\b(?:\d+\s*(?:-\s*)?min(?:ute)?s?\.?\s*(?:read|lesezeit|de lecture|de lectura|de leitura|di lettura))"
    r"|(?:reading time|lesezeit|temps de lecture|tiempo de lectura|tempo de leitura|tempo di lettura)\s*:",
    re.I,
)
_DATE_WORDS = re.compile(
    r"\b(?:updated|published|posted|last|modified|on|at|am|pm|a\.m|p\.m|gmt|utc|[ecmp][sd]t|today|yesterday"
    r"|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.?\b|\d+",
    re.I,
)
_ONLY_LINKISH = re.compile(r"^(?:https?://\S+|www\.\S+|\S+@\S+\.\w+|@\w+)$", re.I)
# How a sentence ends (a closing quotation mark in any of the usual styles ends a line of dialogue);
# _STRICT_END is the stricter test: a teaser headline does not end so (quotes and brackets are not enough).
_SENTENCE_END = re.compile(r"[.!?…:;\"“”«»’)\]。！？]$")
_STRICT_END = re.compile(r"[.!?…。！？]$|[.!?][\"”»’')\]]$")
_BIO_VERB = re.compile(
    r"^(?:'s|’s)?\s*(?:,|is|was|has|ist|war|hat|est|a été|es|fue|é|foi|è|era|jest|является)\b", re.I
)
_WORD = re.compile(r"\w+")

TAIL_WINDOW = 6
"""How many blocks at the end of the body the tail rules may look at."""
BIO_SHARE = 0.5
"""A company bio ("Acme is ...") is at most this share of the article text before it; more, and it is
the article."""
LINK_DENSE = 0.8
"""Share of a block's characters inside links above which it reads as a link, not a sentence."""


def words(text: str) -> int:
    return len(_WORD.findall(text))


def drop_boilerplate(
    blocks: list[Block], titles: list[str], authors: list[str] = (), site_names: list[str] = ()
) -> list[Block]:
    """Apply every rule in turn and return the blocks that survive.

    `titles` are the headlines the page states, `authors` its bylines' names and
    `site_names` the names the site goes by (for "<Site> is a ..." boilerplate at the end).
    """
    for rule in (
        lambda b: _drop_leading(b, titles),
        _drop_see_also,
        _drop_link_teasers,
        _drop_stray_lines,
        lambda b: _drop_tail(b, authors, site_names),
    ):
        blocks = rule(blocks)
    return blocks


# --- top of the article ---------------------------------------------------------------------


def _drop_leading(blocks: list[Block], titles: list[str]) -> list[Block]:
    """Drop the headline, byline, dateline, reading time and breadcrumbs above the story.

    Only blocks before the first real paragraph (a dozen words or more) are examined.
    """
    heads = [_key(t) for t in titles if t]
    out: list[Block] = []
    started = False
    for i, block in enumerate(blocks):
        if not started and _is_top_matter(block, heads):
            continue
        if i == 0 and block.tag == "head" and any(_overlap(_key(block.text), h) >= 0.5 for h in heads):
            continue  # the page's own headline, worded a little differently from <title>
        if words(block.text) >= 12:
            started = True
        out.append(block)
    return out


def _is_top_matter(block: Block, heads: list[str]) -> bool:
    text = block.text
    n = words(text)
    if any(_same_text(_key(text), h) for h in heads):
        return True
    if n <= 12 and (_is_byline(text) or _READING_TIME.search(text) or _is_dateline(text)):
        return True
    if _ONLY_LINKISH.match(text):
        return True
    return n <= 3 and block.link_density >= 0.5  # breadcrumb


def _is_dateline(text: str) -> bool:
    """A short line that is a date and time, perhaps with a byline ("Nov. 19, 2019 3:04 p.m. by Jo Doe")."""
    rest = _DATE_WORDS.sub(" ", text).strip(" ,.:;|-–—")
    return any(ch.isdigit() for ch in text) and (words(rest) == 0 or _is_byline(rest))


def _is_byline(text: str) -> bool:
    """ "By Jane Roe", "Von Anna Berg und Jo Park": a byline word, then mostly capitalised names."""
    match = _BYLINE.match(text)
    if not match:
        return False
    names = text[match.end() - 1 :].split()
    return sum(w[:1].isupper() for w in names) * 2 >= len(names)


def _same_text(a: str, b: str) -> bool:
    """Equal, or one contains the other and is most of it (a title with a kicker or suffix)."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return short in long_ and len(short) >= 0.7 * len(long_)


def _overlap(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' word sets."""
    wa, wb = set(a.split()), set(b.split())
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


# --- inside the article -----------------------------------------------------------------------


def _drop_see_also(blocks: list[Block]) -> list[Block]:
    """Drop "see also: <link>" lines, and a bare "Related" heading with the link list it opens.

    The wording alone is not enough: a see-also line points elsewhere, so it holds a link or is
    a label; a linkless full sentence ("Related to the budget, ...") is the article's.
    """
    out: list[Block] = []
    skip_group = None
    for i, block in enumerate(blocks):
        if skip_group is not None and block.group == skip_group:
            continue
        skip_group = None
        match = _SEE_ALSO_START.match(block.text)
        if match and words(block.text) <= 30 and (block.link_chars or not _STRICT_END.search(block.text)):
            if words(block.text[match.end() :]) == 0 and i + 1 < len(blocks) and blocks[i + 1].group >= 0:
                skip_group = blocks[i + 1].group  # a bare heading: the list after it is its links
            continue
        out.append(block)
    return out


def _drop_link_teasers(blocks: list[Block]) -> list[Block]:
    """Drop lines that are all link: teasers for other articles and tag lists.

    A linked line is kept when it ends like a sentence (footnotes, "Visit our site.") and
    is not part of a run of three or more such lines. An item of a list whose items are mostly
    not links is kept too: it is one entry of the article's list (an ingredient, a step) that
    happens to carry a link, not a teaser.
    """
    linked = [b.link_density >= LINK_DENSE for b in blocks]
    runs = _run_lengths(linked)
    in_prose_list = _prose_list_items(blocks, linked)
    return [
        b
        for b, link, run, listed in zip(blocks, linked, runs, in_prose_list, strict=True)
        if not (run >= 3 or link and not listed and words(b.text) >= 4 and not _STRICT_END.search(b.text))
    ]


def _prose_list_items(blocks: list[Block], linked: list[bool]) -> list[bool]:
    """For each block, whether it is an item of a list of three or more items most of which are
    not links."""
    items: dict[int, list[bool]] = {}
    for b, link in zip(blocks, linked, strict=True):
        if b.group >= 0 and b.tag == "item":
            items.setdefault(b.group, []).append(link)
    prose = {g for g, links in items.items() if len(links) >= 3 and sum(links) * 2 < len(links)}
    return [b.group in prose and b.tag == "item" for b in blocks]


def _run_lengths(flags: list[bool]) -> list[int]:
    """For each position, the length of the run of True values it belongs to (0 when False)."""
    out = [0] * len(flags)
    start = 0
    for i in range(len(flags) + 1):
        if i == len(flags) or not flags[i]:
            for j in range(start, i):
                out[j] = i - start
            start = i + 1
    return out


def _drop_stray_lines(blocks: list[Block]) -> list[Block]:
    """Drop lines that are only a URL or address, and short calls to share, print or subscribe.

    A call is a label ("Share this article", "Click here to subscribe"), not a sentence: one
    that ends like a sentence ("Follow the money.") is kept.
    """
    return [
        b
        for b in blocks
        if _WORD.search(b.text)
        and not _ONLY_LINKISH.match(b.text)
        and not (words(b.text) <= 8 and _CTA.search(b.text) and not _STRICT_END.search(b.text))
    ]


# --- bottom of the article --------------------------------------------------------------------


def _drop_tail(blocks: list[Block], authors: list[str], site_names: list[str]) -> list[Block]:
    """Cut trailing bios, credits, contact and follow lines, calls to act, copyright.

    Walks back from the end through at most TAIL_WINDOW blocks and stops at the first one
    that reads as article text; a bio found there is cut with everything after it, unless
    it is not an appendix to the story but the story itself (see `_is_appendix`).
    """
    floor = max(1, len(blocks) - TAIL_WINDOW)
    end = len(blocks)
    while True:
        while end > floor and _is_tail_matter(blocks[end - 1]):
            end -= 1
        found = _bio_start(blocks, end, floor, authors, site_names)
        if found is None or not _is_appendix(blocks, found[0], end, found[1]):
            return blocks[:end]
        end = found[0]


def _is_appendix(blocks: list[Block], start: int, end: int, person: str | None) -> bool:
    """True when blocks[start:end] can be a bio appended to the story, not the story itself.

    A person's bio (it opens with the page's own author's full name) is about someone the story
    does not speak of: an article whose paragraphs name that person (surname) is about them (a
    profile, a press release on a new executive), and its closing paragraphs on their career are
    the article. Its length says nothing: a short brief often carries a long author box. A bio
    found only by the site's name ("Acme is a provider of ...") has no such test, so it must be
    short beside the article: at most BIO_SHARE of the text before it.
    """
    if person is None:
        before = sum(words(b.text) for b in blocks[:start])
        return sum(words(b.text) for b in blocks[start:end]) <= BIO_SHARE * before
    surname = _key(person).split()[-1]
    told = [b.text for b in blocks[:start] if words(b.text) >= 12]
    return not any(surname in _key(text).split() for text in told)


def _is_tail_matter(block: Block) -> bool:
    text = block.text
    n = words(text)
    if block.tag == "head":  # a heading with nothing of the article after it
        return True
    if n <= 40 and (
        _COPYRIGHT.search(text) or _CONTACT.search(text) or _CTA.search(text) or _CREDIT.search(text)
    ):
        return True
    if n <= 60 and (_CTA.match(text) or _CONTACT.match(text)):  # opens with "Follow us", "Email Jo at"
        return True
    # a short line ending nothing: a label, a tag, a button; but not an item of a list, which is
    # read with its list (a product list, a recipe's ingredients)
    return n <= 3 and not _SENTENCE_END.search(text) and block.tag != "item"


def _bio_start(
    blocks: list[Block], end: int, floor: int, authors: list[str], site_names: list[str]
) -> tuple[int, str | None] | None:
    """(index where a bio starts in blocks[floor:end], the person it is about or None), or None.

    A bio opens with an author's name, or with the site's name followed by "is"/"ist"/...
    ("Acme is a global provider of ..."), possibly under a line holding only a name.
    """
    people = [a for a in authors if len(a.split()) >= 2]  # a person, not "Reuters"
    sites = [s.casefold() for s in site_names if s and len(s) >= 4]
    for i in range(end - 1, floor - 1, -1):
        text = blocks[i].text
        folded = text.casefold()
        above = blocks[i - 1].text if i > 0 else ""
        if _is_name_line(above) and folded.startswith(above.casefold() + " "):
            return i - 1, above
        for person in people:
            if folded.startswith(person.casefold()) and words(text) > 8:
                return i, person
        if any(folded.startswith(s) and _BIO_VERB.match(text[len(s) :].strip()) for s in sites):
            return i, None
    return None


def _is_name_line(text: str) -> bool:
    """A line like "Anna Berg": two to four capitalised words, not all in capitals, no punctuation."""
    parts = text.split()
    return (
        2 <= len(parts) <= 4
        and all(p[:1].isupper() for p in parts)
        and not text.isupper()
        and not _SENTENCE_END.search(text)
    )
