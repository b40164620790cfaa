"""Translation matching's cost-cutting parts: sentence sketches on the shipped basis, evidence tokens with
their sentences, the evidence-only route for languages the encoder does not know, and the record size."""

from __future__ import annotations

import dataclasses

import numpy as np

from newssieve.settings import Settings
from tests.test_story_index_translation import (
    PORT_DE,
    PORT_DE_OWN,
    PORT_EN,
    PORT_ES,
    PORT_FR_OWN,
    add,
    cluster_of,
)
from workers import translation as tr
from workers.translation_align import SKETCH_BITS, SKETCH_DIMS, decode, placed_overlap, similarities

# Greek is not among the encoder's languages: only its evidence (names, figures, in order) can link it.
PORT_EL = ("el", "Το λιμάνι του Halden κλείνει δύο τερματικούς σταθμούς έως το 2026", [
    "Η λιμενική αρχή του Halden ανακοίνωσε την Τρίτη ότι θα κλείσει δύο από τους πέντε τερματικούς "
    "σταθμούς εμπορευματοκιβωτίων έως το τέλος του 2026. Η απόφαση αφορά περίπου 340 λιμενεργάτες, "
    "σύμφωνα με το συνδικάτο.",
    "Η διευθύντρια του λιμανιού Ingrid Solberg δήλωσε ότι ο όγκος φορτίων μειώθηκε κατά 18 τοις εκατό σε "
    "τρία χρόνια. Οι υπόλοιποι σταθμοί θα εκσυγχρονιστούν με κόστος 120 εκατομμύρια ευρώ.",
    "Το συνδικάτο Transport Norge χαρακτήρισε το σχέδιο προδοσία και ανακοίνωσε διαμαρτυρία για την "
    "Παρασκευή. Ο επικεφαλής του, Morten Dahl, είπε ότι οι εργαζόμενοι έμαθαν για τα κλεισίματα από την "
    "εφημερίδα.",
    "Το δημοτικό συμβούλιο θα ψηφίσει το σχέδιο στις 14 Μαρτίου.",
])


def fingerprint_of(story):
    lang, title, paragraphs = story
    return tr.translation_fingerprint(title, paragraphs, lang)


def test_a_sentence_sketch_is_small_and_keeps_translations_close():
    en, de, de_own = (fingerprint_of(s) for s in (PORT_EN, PORT_DE, PORT_DE_OWN))
    assert {len(s) for s in en.sentence_bits} == {SKETCH_DIMS * SKETCH_BITS // 8} == {21}
    assert len(en.sentence_bits) == 1 + min(tr.LEAD_SENTENCES, 8)  # title + the lead's sentences
    translated = np.diag(similarities(en.sentence_bits[:5], de.sentence_bits[:5]))
    assert translated.min() > 0.6  # title and sentences, one by one
    assert similarities(en.sentence_bits, de_own.sentence_bits).max() < 0.6
    rows = decode(en.sentence_bits)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0)


def test_the_stored_record_is_small():
    """What the index keeps per article for translations: the 32-byte signature and the blob."""
    fp = fingerprint_of(PORT_EN)
    blob = fp.for_verification().to_bytes()
    assert len(blob) <= 10 + 21 * len(fp.sentence_bits) + 2 * tr.MAX_EVIDENCE
    assert len(fp.lead_bits) == 32 and len(fp.evidence_keys) == tr.EVIDENCE_BANDS * tr.EVIDENCE_ROWS
    assert tr.TranslationFingerprint.from_bytes(fp.to_bytes()) == fp
    older = bytes([tr.VERSION - 1]) + blob[1:]  # a record written before an upgrade: no error, no match
    assert not tr.verify_translation(fp, tr.TranslationFingerprint.from_bytes(older)).same


def test_evidence_tokens_keep_figures_names_and_their_sentences():
    fp = fingerprint_of(PORT_EN)
    sentences = [t >> tr.SENTENCE_SHIFT for t in fp.evidence]
    assert sentences == sorted(sentences) and sentences[0] == 0  # the title's "2026" and "Halden" first
    assert len(fp.numbers) >= 5 and len(fp.names) >= 6
    de = fingerprint_of(PORT_DE)
    placed = placed_overlap(fp.evidence, de.evidence, tr.SENTENCE_SHIFT, tr.TOKEN_MASK)
    assert placed.ordered >= tr.PLACED_MIN


def test_german_nouns_are_not_taken_for_names():
    from workers import translation_evidence as ev

    keys = ev.names(["Die Hafenbehörde von Halden hat die Schließung der Terminals angekündigt, sagte "
                     "Ingrid Solberg."], "de")
    assert keys == [ev.skeleton("Halden"), ev.skeleton("Ingrid"), ev.skeleton("Solberg")]


def test_without_the_encoder_a_translation_links_on_its_evidence_and_same_event_coverage_does_not():
    en, el = fingerprint_of(PORT_EN), fingerprint_of(PORT_EL)
    assert not el.encoded and el.lang == "el" and not el.sentence_bits
    assert tr.verify_translation(en, el).same
    assert tr.verify_translation(en, el).details["route"] == "evidence"
    off = {fp: dataclasses.replace(fp, encoded=False, lead_bits=b"", weak_bits=b"", sentence_bits=())
           for fp in (fingerprint_of(PORT_FR_OWN), fingerprint_of(PORT_DE_OWN), fingerprint_of(PORT_ES))}
    fr_own, de_own, es = off.values()
    assert not tr.verify_translation(en, fr_own).same and not tr.verify_translation(en, de_own).same
    assert tr.verify_translation(en, es).same  # a translation, checked on its evidence alone


def test_an_unknown_language_joins_through_the_index_and_never_errs(client):
    original, _ = add(client, "http://wire.test/port", PORT_EN, 100.0)
    greek, linked = add(client, "http://efimerida.test/limani", PORT_EL, 200.0)
    assert linked.ids == (original,) and cluster_of(client, greek) == cluster_of(client, original)
    odd = ("xx", "Ζζζ 12", ["Ζζζ ζζζ 12 ζζζ.", "Ζζζ."])  # no usable evidence: a new story, no error
    alone, linked = add(client, "http://odd.test/a", odd, 300.0, Settings())
    assert linked.ids == () and cluster_of(client, alone) not in (cluster_of(client, original),)
