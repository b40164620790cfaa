"""HTML for the article page and the story page (an original and what each copy changed).

Every value goes through html.escape here. The comparisons come from feeds/changes.py: same-language
copies paragraph by paragraph with a word diff, translations as sentences side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path
from string import Template

from newssieve.api.page_render import href, language, time_html
from newssieve.feeds.changes import ADDED, EDITED, SAME, TRIMMED, Comparison, Row, align, compare, sentences

TEMPLATE = Template((Path(__file__).parent / "templates" / "record.html").read_text(encoding="utf-8"))
CHANGE_HELP = {"trimmed": "paragraphs of the original are missing", "edited": "words were changed",
               "extended": "paragraphs were added", "translated": "the text is in another language"}


@dataclass
class RecordLinks:
    home: str
    css: str
    json: str
    docs: str
    status: str
    article: str = ""  # URLs of pages by id: prefix + id
    story: str = ""


def page(title: str, main: str, links: RecordLinks, wide: bool = False) -> str:
    return TEMPLATE.substitute(
        title=escape(title), main=main, body_class="wide" if wide else "", home_url=escape(links.home),
        css_url=escape(links.css), json_url=escape(links.json), docs_url=escape(links.docs),
        status_url=escape(links.status))


def not_found(kind: str, record_id: str, links: RecordLinks) -> str:
    return page(f"No such {kind}", f'<p class="empty">No {escape(kind)} “{escape(record_id)}” is stored: '
                f'it may have '
                f'expired. <a href="{escape(links.home)}">Back to all stories</a></p>', links)


def _meta(record: dict) -> str:
    authors = ", ".join(record.get("authors") or [])
    return (f'<span class="site">{escape(record["site"])}</span> · {time_html(record["published_ts"])}'
            + (f" · {escape(authors)}" if authors else "") + f" · {escape(language(record['lang']))}"
            + f' · <a class="source" href="{href(record["url"])}" rel="nofollow noopener">source ↗</a>')


def _lang(code: str | None) -> str:
    return f' lang="{escape(code)}"' if code else ""


def article_page(article: dict, links: RecordLinks) -> str:
    """One article: its text, where it came from and, when it has copies, a link to its story."""
    cluster = article.get("cluster") or {}
    story = ""
    if cluster and cluster["size"] > 1:
        role = ("the original of a story" if cluster["is_canonical"]
                else f"a copy ({escape(cluster['match'] or 'matched')}) in a story")
        story = (f'<p class="story-link">This is {role} with {cluster["size"] - 1} other '
                 f'version{"s" if cluster["size"] > 2 else ""}. '
                 f'<a href="{escape(links.story + cluster["id"])}">'
                 "See what each copy changed</a></p>")
    paragraphs = [p for p in (article["text"] or "").split("\n") if p.strip()]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs) or '<p class="empty">No text was kept.</p>'
    lang = _lang(article["lang"])
    main = (f'<article class="record"><h2{lang}>{escape(article["title"] or article["url"])}</h2>'
            f'<p class="meta">{_meta(article)}</p>{story}<div class="text"{lang}>{body}</div>'
            "</article>")
    return page(article["title"] or "Article", main, links)


def _cells(original: str, copy: str, kind: str, labels: tuple[str, str]) -> str:
    return (f'<div class="row {kind}"><div class="orig" data-label="{escape(labels[0])}">{original}</div>'
            f'<div class="copy" data-label="{escape(labels[1])}">{copy}</div></div>')


def _words(row: Row, side: str) -> str:
    """The edited paragraph of one side with the words only that side has marked."""
    tag, skip = ("del", "ins") if side == "orig" else ("ins", "del")
    return " ".join(f"<{tag}>{escape(text)}</{tag}>" if op == tag else escape(text)
                    for op, text in row.words if op != skip)


def _row_html(row: Row, labels: tuple[str, str]) -> str:
    gap_orig = '<p class="gap">not in the original</p>'
    gap_copy = '<p class="gap">cut from this copy</p>'
    if row.kind == TRIMMED:
        return _cells(f"<p><del>{escape(row.original)}</del></p>", gap_copy, "trimmed", labels)
    if row.kind == ADDED:
        return _cells(gap_orig, f"<p><ins>{escape(row.copy)}</ins></p>", "added", labels)
    if row.kind == EDITED:
        return _cells(f"<p>{_words(row, 'orig')}</p>", f"<p>{_words(row, 'copy')}</p>", "edited", labels)
    return _cells(f"<p>{escape(row.original)}</p>", f"<p>{escape(row.copy)}</p>", "same", labels)


def _rows_html(rows: list[Row], labels: tuple[str, str]) -> str:
    """Rows in reading order; each run of unchanged paragraphs folds into one line to open."""
    out, run = [], []
    for row in [*rows, None]:
        if row is not None and row.kind == SAME:
            run.append(row)
            continue
        if run:
            noun = "paragraph" if len(run) == 1 else "paragraphs"
            out.append(f'<details class="same"><summary>{len(run)} {noun} the same in both</summary>'
                       + "".join(_row_html(r, labels) for r in run) + "</details>")
            run = []
        if row is not None:
            out.append(_row_html(row, labels))
    return "".join(out)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _same_language_changes(comparison: Comparison, total: int) -> list[tuple[str, str]]:
    """(change, what it amounts to) for a copy in the original's language."""
    found = {"trimmed": f"{comparison.count(TRIMMED)} of {total} paragraphs cut",
             "edited": f"{_plural(comparison.words_changed, 'word')} changed in "
                       f"{_plural(comparison.count(EDITED), 'paragraph')}",
             "extended": f"{_plural(comparison.count(ADDED), 'paragraph')} added"}
    return [(name, found[name]) for name in comparison.changes] or [("identical", "the same text")]


def _translation(original: dict, copy: dict,
                 texts: dict[str, list[str]]) -> tuple[list[tuple[str, str]], str]:
    """The changes and the rows of a translated copy: its sentences beside the original's."""
    pairs = align(sentences(texts[original["id"]]), sentences(texts[copy["id"]]))
    labels = (f"Original ({original['lang'] or '?'})", f"Translation ({copy['lang'] or '?'})")
    rows = [Row(SAME if a and b else TRIMMED if a else ADDED, a, b) for a, b in pairs]
    changes = [("translated", f"{language(original['lang'])} → {language(copy['lang'])}, "
                              f"{_plural(sum(r.kind == SAME for r in rows), 'sentence')} side by side")]
    if cut := sum(r.kind == TRIMMED for r in rows):
        changes.append(("trimmed", f"{_plural(cut, 'sentence')} without a counterpart"))
    if added := sum(r.kind == ADDED for r in rows):
        changes.append(("extended", f"{_plural(added, 'sentence')} without a counterpart"))
    body = "".join(_row_html(row, labels) if row.kind != SAME else
                   _cells(f"<p{_lang(original['lang'])}>{escape(row.original)}</p>",
                          f"<p{_lang(copy['lang'])}>{escape(row.copy)}</p>", "pair", labels) for row in rows)
    return changes, body


def translated(original: dict, copy: dict) -> bool:
    """Matched as a translation, or in another (known) language than the original."""
    return copy["match"] == "translation" or bool(original["lang"] and copy["lang"]
                                                  and original["lang"] != copy["lang"])


def _version(original: dict, copy: dict, texts: dict[str, list[str]]) -> tuple[list[tuple[str, str]], str]:
    """What the copy changed, and the rows that show it."""
    if translated(original, copy):
        return _translation(original, copy, texts)
    comparison = compare(texts[original["id"]], texts[copy["id"]])
    changes = _same_language_changes(comparison, len([p for p in texts[original["id"]] if p.strip()]))
    labels = (f"Original · {original['site']}", f"This copy · {copy['site']}")
    return changes, _rows_html(list(comparison.rows), labels)


def _version_html(original: dict, copy: dict, changes: list[tuple[str, str]], body: str,
                  links: RecordLinks) -> str:
    similar = ("" if copy["similarity"] is None or translated(original, copy)  # shingles: one language
               else f" · {round(copy['similarity'] * 100)}% similar")
    matched = f' · <span class="match">{escape(copy["match"])}</span>' if copy["match"] else ""
    chips = "".join(f'<li class="change {name}" title="{escape(CHANGE_HELP.get(name, name))}"><b>{name}</b> '
                    f"{escape(detail)}</li>" for name, detail in changes)
    head = _cells(f"Original · {escape(original['site'])}", f"This copy · {escape(copy['site'])}", "head",
                  ("", ""))
    return (f'<section class="version" id="copy-{escape(copy["id"])}">'
            f'<h3><a href="{escape(links.article + copy["id"])}">'
            f'{escape(copy["title"] or copy["url"])}</a></h3>'
            f'<p class="meta">{_meta(copy)}{matched}{similar}</p><ul class="changes">{chips}</ul>'
            f'<div class="compare">{head}{body}</div></section>')


def story_page(cluster: dict, texts: dict[str, list[str]], links: RecordLinks) -> str:
    """A story: the original, then each copy beside it with what it changed marked.

    `cluster` as StoryReader.cluster gives it; `texts`: member id -> its paragraphs.
    """
    members = cluster["members"]
    original = next((m for m in members if m["canonical"]), members[0])
    copies = [m for m in members if m is not original]
    compared = [(copy, *_version(original, copy, texts)) for copy in copies]
    versions = "".join(_version_html(original, c, changes, body, links) for c, changes, body in compared)
    toc = "".join(f'<li><a href="#copy-{escape(c["id"])}">{escape(c["site"])}: '
                  f'{escape(c["title"] or c["url"])}'
                  f'</a> <span class="meta">{", ".join(name for name, _ in changes)}</span></li>'
                  for c, changes, _ in compared)
    main = (f'<article class="story-page"><p class="kicker">A story in {_plural(len(members), "version")}</p>'
            f'<h2{_lang(original["lang"])}><a href="{escape(links.article + original["id"])}">'
            f'{escape(original["title"] or original["url"])}</a></h2>'
            f'<p class="meta">The original: {_meta(original)}</p>'
            + (f'<nav class="toc"><p>Copies, earliest first:</p><ol>{toc}</ol></nav>{versions}' if copies else
               '<p class="empty">No copies of this story are stored.</p>') + "</article>")
    return page(original["title"] or "Story", main, links, wide=True)
