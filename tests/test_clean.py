"""The single-page cleaner: bad input, metadata, and the boilerplate rules on hand-written pages."""

from __future__ import annotations

import json
import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newssieve.models import Article
from workers.clean import MAX_HTML_CHARS, clean, clean_text

STORY = [
    "The city council approved a new budget on Tuesday that raises spending on schools and roads "
    "for the first time in six years, after a debate that lasted well into the night.",
    "Council members voted seven to two in favour of the plan, which adds forty million to the "
    "education budget and sets aside money for repairing bridges on the east side of the city.",
    "The mayor said the vote showed that the council could still agree on the things that matter "
    "most to families, and promised that the first repairs would start before the winter.",
    "Opponents argued that the plan relies on optimistic revenue forecasts and warned that the "
    "city might have to borrow if the economy slows down during the coming year.",
    "A final reading of the budget is scheduled for next month, when residents will also be able "
    "to comment on the details of the spending plan at a public hearing in the town hall.",
]
GERMAN = [
    "Der Stadtrat hat am Dienstag einen neuen Haushalt beschlossen, der zum ersten Mal seit sechs "
    "Jahren mehr Geld für Schulen und Straßen vorsieht, nach einer Debatte bis tief in die Nacht.",
    "Die Mitglieder des Rates stimmten mit sieben zu zwei Stimmen für den Plan, der vierzig "
    "Millionen zusätzlich für die Bildung und Mittel für die Reparatur von Brücken enthält.",
    "Der Bürgermeister sagte, die Abstimmung zeige, dass sich der Rat bei den Dingen einigen könne, "
    "die den Familien am wichtigsten seien, und versprach erste Reparaturen vor dem Winter.",
    "Kritiker wandten ein, der Plan beruhe auf zu optimistischen Einnahmeprognosen, und warnten, "
    "die Stadt müsse Kredite aufnehmen, falls sich die Wirtschaft im kommenden Jahr abschwäche.",
]
URL = "https://www.citynews.example/2026/11/20/council-budget/"


def page(body: str, head: str = "", lang: str | None = "en") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return (
        f"<!DOCTYPE html><html{lang_attr}><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    )


def paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def article(inner: str, title: str = "Council approves new budget") -> str:
    nav = "<nav><ul><li><a href='/'>Home</a></li><li><a href='/politics'>Politics</a></li></ul></nav>"
    return f"<header>{nav}</header><main><article><h1>{title}</h1>{inner}</article></main>"


# --- bad input --------------------------------------------------------------------------------


def test_empty_body_is_empty():
    art = clean("", URL)
    assert isinstance(art, Article)
    assert art.text == "" and art.paragraphs == []
    assert art.empty_reason == "empty"


def test_png_bytes_read_as_latin1_are_binary():
    rng = random.Random(1)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(50_000))
    art = clean(png.decode("latin-1"), URL)
    assert art.text == ""
    assert art.empty_reason == "binary"


def test_pdf_bytes_with_nuls_are_binary_even_without_the_signature():
    rng = random.Random(2)
    blob = bytes(rng.randrange(256) for _ in range(50_000)).replace(b"%PDF", b"")
    art = clean(blob.decode("latin-1"), URL)
    assert art.text == ""
    assert art.empty_reason == "binary"


def test_20_mb_page_is_refused_quickly():
    huge = page(article(paragraphs(STORY)) + "<div class='filler'>filler text</div>" * 600_000)
    assert len(huge) > 20_000_000
    started = time.perf_counter()
    art = clean(huge, URL)
    assert time.perf_counter() - started < 2.0
    assert art.text == ""
    assert art.empty_reason == "too large"


def test_page_over_the_limit_only_because_of_scripts_is_still_cleaned():
    script = "<script>window.__STATE__ = '" + "x" * 3_000_000 + "';</script>"
    html = page(article(paragraphs(STORY)), head=script * 2)
    assert len(html) > MAX_HTML_CHARS
    art = clean(html, URL)
    assert art.empty_reason is None
    assert art.paragraphs == STORY


def test_size_limit_is_a_parameter():
    html = page(article(paragraphs(STORY)))
    assert clean(html, URL, max_chars=len(html) - 1).empty_reason == "too large"
    assert clean(html, URL, max_chars=len(html)).paragraphs == STORY


def test_misdeclared_charset_does_not_garble_text():
    head = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    art = clean(page(article(paragraphs(GERMAN)), head=head, lang="de"), URL)
    assert art.paragraphs == GERMAN


def test_cp1252_mojibake_is_repaired():
    html = page(article(paragraphs(GERMAN) + "<p>„Ein großer Tag“ – sagte er.</p>"), lang="de")
    garbled = html.encode("utf-8").decode("cp1252", errors="replace")
    assert "Ã¼" in garbled
    art = clean(garbled, URL)
    assert art.paragraphs[:4] == GERMAN
    assert "Straßen" in art.text and "Ã" not in art.text


def test_utf8_bom_is_ignored():
    art = clean("\ufeff" + page(article(paragraphs(STORY))), URL)
    assert art.paragraphs == STORY
    assert art.title == "Council approves new budget"
    assert art.lang == "en"


def test_nul_and_control_characters_are_dropped():
    html = page(article(paragraphs(STORY))).replace("budget", "bud\x00get\x1b")
    art = clean(html, URL)
    assert art.empty_reason is None
    assert "budget" in art.text
    assert not any(ch in art.text for ch in "\x00\x1b")


def test_ten_thousand_nested_divs_keep_their_text_without_recursion_or_delay():
    html = page("<div>" * 10_000 + paragraphs(STORY) + "</div>" * 10_000)
    started = time.perf_counter()
    art = clean(html, URL)
    assert time.perf_counter() - started < 1.0
    assert art.paragraphs == STORY


def test_page_without_text_says_so():
    art = clean(page("<div><img src='a.png'><script>var a = 1;</script></div>"), URL)
    assert art.text == ""
    assert art.empty_reason == "no text"


def test_markup_free_garbage_does_not_crash():
    for junk in ["<<<>>>", "</html>", "<!-- unterminated", "\x00" * 10, "plain words only", "<p>" * 5000]:
        art = clean(junk, URL)
        assert isinstance(art, Article)
        assert art.text == "" or art.empty_reason is None


# --- output contract --------------------------------------------------------------------------


def test_one_paragraph_per_block_whitespace_normalised():
    inner = (
        "<p>  The council   approved\n a new budget on Tuesday that raises spending on schools and roads "
        "for the first time in six years.</p>"
        + paragraphs(STORY[1:3])
        + "<h2>What happens next</h2>"
        + "<ul><li>A final reading is scheduled for next month in the town hall.</li>"
        "<li>Residents can comment on the plan at a public hearing before the vote.</li></ul>"
        + paragraphs(STORY[3:])
    )
    art = clean(page(article(inner)), URL)
    assert art.paragraphs == [
        "The council approved a new budget on Tuesday that raises spending on schools and roads "
        "for the first time in six years.",
        STORY[1],
        STORY[2],
        "What happens next",
        "A final reading is scheduled for next month in the town hall.",
        "Residents can comment on the plan at a public hearing before the vote.",
        STORY[3],
        STORY[4],
    ]
    assert art.text == "\n".join(art.paragraphs)


def test_clean_text_is_the_article_text_and_deterministic():
    html = page(article(paragraphs(STORY)))
    assert clean_text(html, URL) == clean(html, URL).text == clean_text(html, None)
    assert clean(html, URL) == clean(html, URL)


def test_headline_repeated_as_first_paragraph_is_dropped():
    inner = "<p>Council approves new budget</p>" + paragraphs(STORY)
    art = clean(page(article(inner), head="<title>Council approves new budget | City News</title>"), URL)
    assert art.paragraphs == STORY


# --- metadata ---------------------------------------------------------------------------------


def test_title_loses_site_suffix_named_by_og_site_name():
    head = (
        "<title>Council approves new budget | The City Chronicle</title>"
        '<meta property="og:site_name" content="The City Chronicle">'
    )
    art = clean(page(article(paragraphs(STORY)), head=head), URL)
    assert art.title == "Council approves new budget"
    assert art.site_name == "The City Chronicle"


def test_title_loses_suffix_matching_the_host():
    head = "<title>Council approves new budget - CityNews</title>"
    art = clean(page(article(paragraphs(STORY), title="A different headline"), head=head), URL)
    assert art.title == "Council approves new budget"


def test_title_loses_suffix_when_og_title_is_the_rest():
    head = (
        "<title>Council approves new budget — Evening Post Online</title>"
        '<meta property="og:title" content="Council approves new budget">'
    )
    art = clean(page(article(paragraphs(STORY)), head=head), "https://example.org/a")
    assert art.title == "Council approves new budget"


def test_title_keeps_a_dash_that_is_part_of_it():
    head = "<title>Budget vote - what it means for you</title>"
    art = clean(page(article(paragraphs(STORY), title="x"), head=head), "https://example.org/a")
    assert art.title == "Budget vote - what it means for you"


@pytest.mark.parametrize(
    "byline, expected",
    [
        ("By Jane Roe", ["Jane Roe"]),
        ("Von Anna Müller und Peter Klein", ["Anna Müller", "Peter Klein"]),
        ("Por María García y José Pérez", ["María García", "José Pérez"]),
        ("By Anna K. Berg, Nov. 19, 2026 3:04 pm ET", ["Anna K. Berg"]),
        ("Tom Lind — November 19, 2026", ["Tom Lind"]),
    ],
)
def test_authors_from_meta_without_prefix_or_date(byline, expected):
    head = f'<meta name="author" content="{byline}">'
    assert clean(page(article(paragraphs(STORY)), head=head), URL).authors == expected


def test_authors_from_json_ld_list():
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Council approves new budget",
        "author": [{"@type": "Person", "name": "Jane Roe"}, {"@type": "Person", "name": "John Doe"}],
        "datePublished": "2026-11-20T08:15:00+01:00",
        "publisher": {"@type": "Organization", "name": "City News"},
    }
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    art = clean(page(article(paragraphs(STORY)), head=head), "https://example.org/a")
    assert art.authors == ["Jane Roe", "John Doe"]
    assert art.published == "2026-11-20T08:15:00+01:00"
    assert art.site_name == "City News"


HOSTILE_NAME = "Jane Roe</script><script>alert('x')</script>"


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text,  # as written: the HTML parser ends the JSON-LD script early
        lambda text: text.replace("/", "\\/"),  # PHP's json_encode: the script holds, the name keeps its tags
        lambda text: text.replace("<", "\\u003c"),
    ],
    ids=["raw", "escaped-slash", "escaped-lt"],
)
def test_markup_in_a_json_ld_author_gives_no_junk_authors(encode):
    data = {"@type": "NewsArticle", "headline": "Budget", "author": {"@type": "Person", "name": HOSTILE_NAME}}
    head = f'<script type="application/ld+json">{encode(json.dumps(data))}</script>'
    inner = '<p class="byline">By Jane Roe</p>' + paragraphs(STORY)
    art = clean(page(article(inner), head=head), URL)
    assert art.authors == ["Jane Roe"]
    assert not any("alert" in p or "script" in p for p in art.paragraphs)


@pytest.mark.parametrize(
    "name", ["Jane <b>Roe</b>", "Jane &lt;i&gt;Roe&lt;/i&gt;", "<style>p{}</style>Jane Roe"]
)
def test_markup_and_entities_in_an_author_name_are_dropped(name):
    data = {"@type": "NewsArticle", "author": [{"name": name}, {"name": "John O&#039;Hara"}]}
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    assert clean(page(article(paragraphs(STORY)), head=head), URL).authors == ["Jane Roe", "John O'Hara"]


def test_authors_from_a_byline_element():
    inner = '<p class="byline">By Jane Roe | November 20, 2026</p>' + paragraphs(STORY)
    art = clean(page(article(inner)), URL)
    assert art.authors == ["Jane Roe"]
    assert not any("Jane Roe" in p for p in art.paragraphs)


def test_published_from_meta_tag():
    head = '<meta property="article:published_time" content="2026-11-19T21:05:00Z">'
    art = clean(page(article(paragraphs(STORY)), head=head), "https://example.org/a")
    assert art.published == "2026-11-19T21:05:00+00:00"


def test_published_from_time_element():
    inner = '<time datetime="2026-11-18T07:30:00+02:00">18 November</time>' + paragraphs(STORY)
    art = clean(page(article(inner)), "https://example.org/a")
    assert art.published == "2026-11-18T07:30:00+02:00"


def test_published_from_url_when_the_page_has_none():
    art = clean(page(article(paragraphs(STORY))), URL)
    assert art.published == "2026-11-20"


def test_placeholder_dates_are_ignored():
    head = '<meta property="article:published_time" content="0001-01-01T00:00:00Z">'
    art = clean(page(article(paragraphs(STORY)), head=head), URL)
    assert art.published == "2026-11-20"


def test_language_from_html_lang_attribute():
    art = clean(page(article(paragraphs(STORY)), lang="en-GB"), URL)
    assert art.lang == "en"


def test_language_detected_when_undeclared():
    art = clean(page(article(paragraphs(GERMAN)), lang=None), URL)
    assert art.lang == "de"


def test_no_language_without_text():
    assert clean(page("<div></div>", lang=None), URL).lang is None


# --- boilerplate rules ------------------------------------------------------------------------


def test_inline_see_also_lines_are_dropped_in_several_languages():
    inner = (
        paragraphs(GERMAN[:2])
        + '<p><strong>Siehe auch</strong> <a href="/x">Brücken werden saniert</a></p>'
        + paragraphs(GERMAN[2:3])
        + '<p>Read more: <a href="/y">Bridge repairs delayed again</a></p>'
        + '<p>Leia também: <a href="/z">Prefeitura anuncia obras</a></p>'
        + paragraphs(GERMAN[3:])
    )
    art = clean(page(article(inner), lang="de"), URL)
    assert art.paragraphs == GERMAN


def test_related_heading_and_its_link_list_are_dropped():
    related = (
        "<h3>Related articles</h3><ul>"
        '<li><a href="/a">Mayor promises faster bridge repairs</a></li>'
        '<li><a href="/b">School funding gap widens across the region</a></li>'
        '<li><a href="/c">Residents protest road closures downtown</a></li></ul>'
    )
    art = clean(page(article(paragraphs(STORY[:3]) + related + paragraphs(STORY[3:]))), URL)
    assert art.paragraphs == STORY


def test_figure_captions_are_dropped():
    figure = (
        '<figure><img src="/council.jpg" alt="">'
        "<figcaption>Council members during the vote on Tuesday. Photo: City News</figcaption></figure>"
        '<div class="image-caption">The town hall at night.</div>'
    )
    art = clean(page(article(paragraphs(STORY[:2]) + figure + paragraphs(STORY[2:]))), URL)
    assert art.paragraphs == STORY


def test_trailing_bio_under_a_name_line_is_dropped():
    bio = (
        "<p><strong>Lena Vogt</strong></p>"
        "<p>Lena Vogt ist seit zwölf Jahren Lokalreporterin und schreibt vor allem über Verkehr und "
        "Stadtplanung. Vorher arbeitete sie bei einem Radiosender in Kassel.</p>"
    )
    art = clean(page(article(paragraphs(GERMAN) + bio), lang="de"), URL)
    assert art.paragraphs == GERMAN


def test_trailing_bio_of_the_named_author_is_dropped():
    head = '<meta name="author" content="Jane Roe">'
    bio = (
        "<p>Jane Roe covers city hall and transport for the paper. She previously reported on "
        "education in the northern suburbs and has won two regional journalism awards.</p>"
    )
    art = clean(page(article(paragraphs(STORY) + bio), head=head), URL)
    assert art.authors == ["Jane Roe"]
    assert art.paragraphs == STORY


def test_company_boilerplate_after_a_press_release_is_dropped():
    about = (
        "<p>Citynews is a leading provider of local news and information services, with newsrooms in "
        "twelve cities and more than four hundred employees across the country.</p>"
    )
    art = clean(page(article(paragraphs(STORY) + about)), URL)
    assert art.paragraphs == STORY


def test_bio_rule_keeps_a_closing_paragraph_that_mentions_a_person():
    closing = (
        "<p>Jane Doe, who chairs the finance committee, said the council would review the plan "
        "again in the spring if tax receipts fall short of the forecast.</p>"
    )
    head = '<meta name="author" content="Jane Roe">'
    art = clean(page(article(paragraphs(STORY) + closing), head=head), URL)
    assert art.paragraphs[-1].startswith("Jane Doe, who chairs")


def test_share_subscribe_contact_and_copyright_lines_at_the_end_are_dropped():
    tail = (
        "<p>Share this article</p>"
        "<p>Sign up for our morning newsletter to get the day's top stories in your inbox.</p>"
        "<p>Write to Jane Roe at jane.roe@citynews.example</p>"
        "<p>© 2026 City News. All rights reserved.</p>"
    )
    art = clean(page(article(paragraphs(STORY) + tail)), URL)
    assert art.paragraphs == STORY


def test_a_story_about_newsletters_keeps_its_last_paragraph():
    story = STORY[:4] + [
        "The newsletter, which now reaches forty thousand readers, will keep covering the budget "
        "process until the final vote and will publish a summary of every council session."
    ]
    art = clean(page(article(paragraphs(story))), URL)
    assert art.paragraphs == story


def test_the_seed_page_layout():
    """A German wire reprint: navigation, inline "Siehe auch", caption, bio, related list, footer."""
    body = (
        "<header><nav><ul><li><a href='/welt/'>Welt</a></li><li><a href='/sport/'>Sport</a></li></ul>"
        "</nav></header><main><article><header><h1>Stadtrat beschließt neuen Haushalt</h1></header>"
        "<div class='entry-content'>"
        + paragraphs(GERMAN[:2])
        + "<p class='inline-note'><strong>Siehe auch</strong>&nbsp; "
        "<a href='/welt/x/'>Brücken werden saniert</a></p>"
        + paragraphs(GERMAN[2:])
        + "<figure><img src='/img/rat.jpg' alt=''><figcaption>Bild: Stadtarchiv</figcaption></figure>"
        "<p><strong>Anna Schmidt</strong></p><p>Anna Schmidt ist Redakteurin für Landespolitik und "
        "berichtet seit zehn Jahren aus dem Rathaus. Sie studierte Politik in Leipzig.</p>"
        "</div></article><section class='teaser-grid'><h3>Ähnliche Artikel</h3><ul>"
        "<li><a href='/a/'>Bürgermeister verspricht schnellere Reparaturen</a></li>"
        "<li><a href='/b/'>Schulen warten weiter auf Geld aus dem Haushalt</a></li></ul></section></main>"
        "<footer><p class='copyright'>© 2026 Stadtnachrichten. Alle Rechte vorbehalten.</p>"
        "<a href='#top' class='back-to-top'>Zurück zum Anfang</a></footer>"
    )
    head = "<title>Stadtrat beschließt neuen Haushalt | Stadtnachrichten</title>"
    art = clean(page(body, head=head, lang="de"), "https://www.stadtnachrichten.example/welt/haushalt/")
    assert art.title == "Stadtrat beschließt neuen Haushalt"
    assert art.lang == "de"
    assert art.paragraphs == GERMAN


def test_paragraphs_of_a_layout_table_cell_stay_separate():
    sidebar = "".join(f'<a href="/n{i}">Other story number {i} about the region</a> ' for i in range(4))
    cell = f"<h1>Council approves new budget</h1>{paragraphs(STORY)}"
    body = f"<table><tr><td>{cell}</td><td>{sidebar}</td></tr></table>"
    art = clean(page(body), URL)
    assert art.paragraphs == STORY


def test_link_teasers_are_dropped_but_a_linked_sentence_is_kept():
    linked = "The full budget report is available on the city website."
    inner = (
        paragraphs(STORY[:2])
        + '<p><a href="/x">Mayor Unveils Plan For Faster Bridge Repairs Across Town</a></p>'
        + paragraphs(STORY[2:4])
        + f'<p><a href="/report">{linked}</a></p>'
        + paragraphs(STORY[4:])
    )
    art = clean(page(article(inner)), URL)
    assert art.paragraphs == STORY[:4] + [linked] + STORY[4:]


def test_byline_dateline_and_reading_time_above_the_story_are_dropped():
    inner = (
        "<p>By Jane Roe</p><p>Updated: Fri., Nov. 20, 2026 at 3:04 p.m.</p><p>4 min read</p>"
        + paragraphs(STORY)
    )
    art = clean(page(article(inner)), URL)
    assert art.paragraphs == STORY


def test_a_menu_grabbed_by_the_fast_path_triggers_the_full_cascade(monkeypatch):
    from workers import clean_body

    menu = clean_body.Block(" ".join(["Home News Sport Weather Culture Travel"] * 40), "p")
    story = [clean_body.Block(t, "p") for t in STORY]
    calls = []

    def fake(tree, url, fast):
        calls.append(fast)
        return [menu, *story] if fast else story

    monkeypatch.setattr(clean_body, "_trafilatura_blocks", fake)
    assert clean(page(article(paragraphs(STORY))), URL).paragraphs == STORY
    assert calls == [True, False]


def test_a_short_unpunctuated_list_does_not_trigger_the_full_cascade(monkeypatch):
    from workers import clean_body

    calls = []

    def fake(tree, url, fast):
        calls.append(fast)
        return [clean_body.Block(t, "p") for t in STORY]

    monkeypatch.setattr(clean_body, "_trafilatura_blocks", fake)
    clean(page(article(paragraphs(STORY))), URL)
    assert calls == [True]


def test_library_errors_become_a_parse_error_reason(monkeypatch):
    import workers.clean

    def broken(tree, url, title=""):
        raise ValueError("cannot handle this")

    monkeypatch.setattr(workers.clean, "extract_blocks", broken)
    art = clean(page(article(paragraphs(STORY))), URL)
    assert art.text == ""
    assert art.empty_reason == "parse error: ValueError: cannot handle this"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcpdivhtml\x00\x1b\ufeffÃ©\n")), max_size=400))
def test_any_markup_soup_gives_an_article(soup):
    art = clean(soup, URL)
    assert isinstance(art, Article)
    assert (art.text == "") == (art.empty_reason is not None)
    assert art.text == "\n".join(art.paragraphs)
    assert all(p == " ".join(p.split()) and p for p in art.paragraphs)


def test_short_sentences_that_start_like_calls_to_action_are_kept():
    story = (
        STORY[:2]
        + ["Follow the money.", "Share the burden, the mayor said, and the city will cope."]
        + STORY[2:]
    )
    art = clean(page(article(paragraphs(story))), URL)
    assert art.paragraphs == story


def test_a_short_opening_that_starts_with_a_byline_word_is_kept():
    story = ["Di recente il consiglio ha approvato il bilancio."] + STORY
    art = clean(page(article(paragraphs(story)), lang="it"), URL)
    assert art.paragraphs == story


def test_an_agency_byline_does_not_cut_a_closing_paragraph():
    head = '<meta name="author" content="Reuters">'
    story = STORY + ["Reuters reported last week that the council had delayed the vote twice before Tuesday."]
    art = clean(page(article(paragraphs(story)), head=head), URL)
    assert art.paragraphs == story
