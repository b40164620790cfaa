"""The cleaner on pages where single-page rules and trafilatura's fast path used to fail: an
article whose subject is a person's career, a short article beside a longer box about another
subject, and text the body tree carries outside its paragraphs."""

from __future__ import annotations

import lxml.html
from lxml import etree

from workers.clean import clean
from workers.clean_body import _html_leaves, _walk

URL = "https://www.northwind.example/press/2026/03/new-cfo/"

RELEASE = [
    "Northwind Bank today announced the appointment of Maria Keller as chief financial officer, "
    "effective March 1, succeeding Tom Berg, who retires after eleven years in the role.",
    "Keller joins from Harbour Insurance, where she led the finance department through two "
    "acquisitions and a listing on the stock exchange, the bank said in a statement on Monday.",
]
CAREER = [
    "Maria Keller began her career as an auditor in Hamburg in 2001 and moved to corporate finance "
    "four years later, first as a controller and then as head of treasury at a shipping group.",
    "Maria Keller holds a degree in economics from the University of Kiel and an MBA from a business "
    "school in Lyon, and she sits on the supervisory board of a regional energy cooperative.",
    "Maria Keller was named one of the country's leading finance executives by a business magazine "
    "in 2019 and has taught corporate finance as a guest lecturer at two universities since then.",
]


def page(body: str, head: str = "", title: str = "Northwind Bank names Maria Keller finance chief") -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><header><nav><a href='/'>Home</a> <a href='/press'>Press</a></nav></header>"
        f"<main><article><h1>{title}</h1>{body}</article></main></body></html>"
    )


def paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def test_a_press_release_on_a_new_executive_keeps_her_career_under_a_name_line():
    """A name line followed by a paragraph opening with that name reads like an author box; but
    the release names her from its first paragraph, so it is about her."""
    body = paragraphs(RELEASE) + "<p><strong>Maria Keller</strong></p>" + paragraphs(CAREER)
    art = clean(page(body), URL)
    assert art.paragraphs == RELEASE + ["Maria Keller"] + CAREER


def test_a_press_release_whose_author_tag_names_the_executive_keeps_her_career():
    head = '<meta name="author" content="Maria Keller">'
    art = clean(page(paragraphs(RELEASE + CAREER), head=head), URL)
    assert art.authors == ["Maria Keller"]
    assert art.paragraphs == RELEASE + CAREER


def test_a_long_author_bio_after_a_short_brief_is_still_a_bio():
    """Length says nothing about a person's bio: a two-sentence brief can carry a long author box.
    The story never names the author, so the paragraph opening with her name is the box."""
    head = '<meta name="author" content="Jane Roe">'
    story = ["The ferry to the island runs again from Monday after the storm damaged its pier last month.",
             "The operator said the timetable would be the summer one until the end of March."]
    bio = ("Jane Roe is a senior correspondent covering transport and the islands. Before joining the "
           "paper she reported for regional radio for twelve years, and she has won two awards for her "
           "coverage of rural bus and ferry services. She lives on the coast with her family.")
    art = clean(page(paragraphs(story + [bio]), head=head, title="Ferry back from Monday"), URL)
    assert art.paragraphs == story


def test_a_real_author_bio_after_the_press_release_is_still_dropped():
    head = '<meta name="author" content="Jane Roe">'
    bio = (
        "<p>Jane Roe covers banking and insurance for the paper. She previously reported on "
        "education in the northern suburbs and has won two regional journalism awards.</p>"
    )
    art = clean(page(paragraphs(RELEASE + CAREER) + bio, head=head), URL)
    assert art.paragraphs == RELEASE + CAREER


ARTICLE = [
    "The regional library will reopen its main reading room on Monday after eight months of "
    "repairs to the roof and the heating system.",
    "Visitors can borrow books again from nine in the morning, the library said, and the "
    "children's corner will open a week later.",
    "The repairs cost 1.2 million euros, most of it paid by the state.",
]
BOX = [
    f"Stop {i} of our travel feature: the coastal railway winds past cliffs, fishing villages and "
    "vineyards, and the journey from the capital to the southern harbour takes most of a day."
    for i in range(8)
]


def test_a_box_about_another_subject_longer_than_a_short_article_is_not_taken():
    """trafilatura (fast path and full cascade alike) takes the longer box, marked up like an
    article body; none of its words are the title's, so the article is looked for elsewhere."""
    body = (
        "<header><nav><a href='/'>Home</a> <a href='/city'>City</a></nav></header><div class='page'>"
        "<h1>Library reopens its reading room after repairs</h1>"
        f"<div class='story'>{paragraphs(ARTICLE)}</div>"
        f"<div class='entry-content feature'><h3>Travel: the coastal railway</h3>{paragraphs(BOX)}</div>"
        "</div><footer><p>© 2026 Example Daily</p></footer>"
    )
    html = (
        "<html lang='en'><head><title>Library reopens its reading room after repairs | Example Daily"
        f"</title></head><body>{body}</body></html>"
    )
    art = clean(html, "https://www.exampledaily.example/city/library-reopens/")
    assert art.paragraphs == ARTICLE


def test_a_sentence_that_starts_like_a_see_also_line_is_kept():
    related = "Related to the appointment, the bank will also name a new head of risk by the summer."
    story = RELEASE + [related]
    art = clean(page(paragraphs(story)), URL)
    assert art.paragraphs == story


def test_text_loose_in_the_body_tree_is_a_paragraph():
    body = etree.fromstring("<body>Opening.<head>Heading</head>Loose text.<p>A paragraph.</p></body>")
    assert [b.text for b in _walk(body)] == ["Opening.", "Heading", "Loose text.", "A paragraph."]


def test_text_is_in_one_unicode_form_without_invisible_characters():
    story = ["Die Kindersitze wurden gepru\u0308ft, und die Ergeb\u00adnisse\u200b sind ab heute online, "
             "teilte der Verband am Dienstag in Berlin mit, nach einer langen Reihe von Tests."]
    art = clean(page(paragraphs(story), title="Kindersitze geprüft"), URL)
    assert art.paragraphs == [
        "Die Kindersitze wurden geprüft, und die Ergebnisse sind ab heute online, "
        "teilte der Verband am Dienstag in Berlin mit, nach einer langen Reihe von Tests."
    ]


def test_readability_text_loose_in_a_container_is_a_paragraph_of_the_third_opinion():
    """readability keeps a div's own text; the third opinion must not lose it (the article of a
    page written without <p> tags is all such text)."""
    summary = lxml.html.fromstring(
        "<div>Opening words <b>in bold</b> here.<p>A paragraph with <a href='/x'>a link</a>.</p>"
        "Text after it.<div><h2>A heading</h2><ul><li>one</li><li>two</li></ul></div>Closing.</div>"
    )
    blocks = list(_html_leaves(summary))
    assert [b.text for b in blocks] == [
        "Opening words in bold here.", "A paragraph with a link.", "Text after it.", "A heading",
        "one", "two", "Closing.",
    ]
    assert [b.tag for b in blocks][3:6] == ["head", "item", "item"]
    assert blocks[1].link_chars == len("a link")


def test_short_items_of_a_list_that_ends_the_article_are_kept():
    """A short line at the end is dropped as a label or button, but an item of a list is read with
    its list: a product list closing a fashion post is the post's."""
    story = ["The summer collection mixes gold and pearls, and most pieces cost under fifty euros, "
             "the designer said at the launch in Berlin on Thursday evening."]
    items = ["Earcuff: Zoeca", "Kreole: Stella Hoops", "Ring: Nova"]
    body = paragraphs(story) + "<ul>" + "".join(f"<li>{t}</li>" for t in items) + "</ul>"
    art = clean(page(body, title="Summer jewellery collection launched"), URL)
    assert art.paragraphs == story + items


def test_a_closing_line_of_dialogue_is_kept():
    story = ["„Kommst du morgen mit zum Hafen?“, fragte sie, als der letzte Zug schon abgefahren war "
             "und die Lichter am Bahnsteig eines nach dem anderen ausgingen.", "– „Ok.“"]
    art = clean(page(paragraphs(story), title="Der letzte Zug zum Hafen"), URL)
    assert art.paragraphs == story


def test_a_linked_item_of_a_list_of_plain_items_is_kept():
    """A line that is all link reads as a teaser; but one entry of the article's own list (most of
    whose entries carry no link) is the article's, link or not."""
    items = ["She will report to the board on the bank's capital plan",
             "She will lead the finance, treasury and investor relations teams",
             "She will chair the bank's new sustainability reporting committee",
             "She will sit on the pension fund's investment board"]
    linked = "<a href='/committee'>She will chair the bank's new sustainability reporting committee</a>"
    body = paragraphs(RELEASE + CAREER[:1]) + "<ul>" + "".join(
        f"<li>{linked if 'committee' in t else t}</li>" for t in items) + "</ul>"
    art = clean(page(body), URL)
    assert art.paragraphs == RELEASE + CAREER[:1] + items


def test_a_list_of_linked_teasers_is_still_dropped():
    teasers = ["Harbour Insurance names a new chief executive", "Bank profits rise for a third quarter",
               "Regional lenders plan a joint payments app"]
    body = paragraphs(RELEASE + CAREER[:1]) + "<ul>" + "".join(
        f"<li><a href='/t{i}'>{t}</a></li>" for i, t in enumerate(teasers)) + "</ul>"
    art = clean(page(body), URL)
    assert art.paragraphs == RELEASE + CAREER[:1]
