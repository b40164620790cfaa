"""feeds/changes.py: what a copy changed against its original (pure functions, no Redis)."""

from __future__ import annotations

from newssieve.feeds.changes import (
    ADDED,
    EDITED,
    SAME,
    TRIMMED,
    align,
    compare,
    sentences,
    word_diff,
)

ORIGINAL = ["The river rose two metres overnight.", "The harbour was closed at dawn by the port authority.",
            "Mayor Jansen asked residents to stay away from the quays.", "Schools stay open on Monday."]


def test_an_identical_copy_changed_nothing():
    comparison = compare(ORIGINAL, [f"  {p}  " for p in ORIGINAL])  # whitespace does not count
    assert [row.kind for row in comparison.rows] == [SAME] * 4
    assert comparison.changes == [] and comparison.words_changed == 0


def test_a_trimmed_copy_misses_the_last_paragraphs():
    comparison = compare(ORIGINAL, ORIGINAL[:2])
    assert [row.kind for row in comparison.rows] == [SAME, SAME, TRIMMED, TRIMMED]
    assert [row.original for row in comparison.rows if row.kind == TRIMMED] == ORIGINAL[2:]
    assert comparison.changes == ["trimmed"] and comparison.count(TRIMMED) == 2


def test_an_extended_copy_adds_paragraphs_where_it_adds_them():
    local = "Local shops on Quay Street closed early."
    comparison = compare(ORIGINAL, ORIGINAL[:2] + [local] + ORIGINAL[2:] + ["Reporting by the Courier."])
    assert [row.kind for row in comparison.rows] == [SAME, SAME, ADDED, SAME, SAME, ADDED]
    assert comparison.rows[2].copy == local and comparison.rows[2].original is None
    assert comparison.changes == ["extended"]


def test_an_edited_paragraph_carries_a_word_diff():
    edited = ORIGINAL[:1] + ["The harbour was shut at dawn by the harbour master."] + ORIGINAL[2:]
    comparison = compare(ORIGINAL, edited)
    row = comparison.rows[1]
    assert row.kind == EDITED and row.original == ORIGINAL[1] and row.copy == edited[1]
    assert ("del", "closed") in row.words and ("ins", "shut") in row.words
    assert ("del", "port authority.") in row.words and ("ins", "harbour master.") in row.words
    assert comparison.changes == ["edited"] and comparison.words_changed == 3


def test_a_rewritten_paragraph_is_cut_and_added_not_edited():
    rewritten = ORIGINAL[:3] + ["Sandbags are handed out at the town hall until midnight tonight."]
    comparison = compare(ORIGINAL, rewritten)
    assert [row.kind for row in comparison.rows][3:] == [TRIMMED, ADDED]
    assert comparison.changes == ["trimmed", "extended"]


def test_all_three_changes_at_once_keep_the_reading_order():
    copy = [ORIGINAL[0], "The harbour was closed at noon by the port authority.",
            "Extra paragraph here, new."]
    comparison = compare(ORIGINAL, copy)
    kinds = [row.kind for row in comparison.rows]
    assert kinds[:2] == [SAME, EDITED] and kinds.count(TRIMMED) == 2 and kinds.count(ADDED) == 1
    assert comparison.changes == ["trimmed", "edited", "extended"]


def test_word_diff_keeps_every_word_of_both_sides():
    runs = word_diff("a b c d e", "a x c d e f")
    assert " ".join(t for op, t in runs if op != "ins") == "a b c d e"
    assert " ".join(t for op, t in runs if op != "del") == "a x c d e f"


def test_sentences_split_after_full_stops_questions_and_quotes():
    text = ['He said: "It is over." Then he left. Why? Nobody knows!', "Dr. No ran 3.5 km"]
    assert sentences(text) == ['He said: "It is over."', "Then he left.", "Why?", "Nobody knows!",
                               "Dr.", "No ran 3.5 km"]


def test_a_translation_aligns_sentence_by_sentence_by_length():
    english = ["The river rose two metres overnight.", "The harbour was closed.",
               "Mayor Jansen asked all residents of the old town to stay away from the quays until Monday."]
    german = ["Der Fluss stieg über Nacht um zwei Meter.", "Der Hafen wurde geschlossen.",
              "Bürgermeister Jansen bat alle Bewohner der Altstadt,",
              "sich bis Montag von den Kais fernzuhalten."]
    pairs = align(english, german)
    assert pairs[:2] == list(zip(english[:2], german[:2], strict=True))
    assert pairs[2] == (english[2], " ".join(german[2:]))  # one sentence translated as two


def test_a_translation_missing_a_sentence_leaves_it_alone():
    english = ["The storm reached the coast on Sunday evening.", "Ferries to the islands were cancelled.",
               "Police closed the coastal road between the harbour and the old lighthouse for the night.",
               "Schools will open late.", "The weather service expects calmer winds by Tuesday afternoon.",
               "Volunteers filled sandbags at the fire station."]
    german = ["Der Sturm erreichte die Küste am Sonntagabend.", "Fähren zu den Inseln fielen aus.",
              "Die Schulen öffnen später.",
              "Der Wetterdienst erwartet bis Dienstagnachmittag ruhigere Winde.",
              "Freiwillige füllten Sandsäcke bei der Feuerwache."]
    pairs = align(english, german)
    assert (english[2], "") in pairs  # the dropped sentence stands alone, its neighbours keep theirs
    assert [a for a, _ in pairs] == english and [b for _, b in pairs if b] == german


def test_align_pairs_everything_past_its_limit_by_position():
    many = [f"Sentence number {n}." for n in range(450)]
    pairs = align(many, many)
    assert len(pairs) == 450 and all(a == b for a, b in pairs)
