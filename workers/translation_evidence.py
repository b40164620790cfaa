"""Language-independent evidence that survives translation: sentences, numbers and name keys.

Pure functions, no model. A translation keeps the sentence order, the figures and the
people and places of its original; these helpers turn each into something comparable
across scripts (digits by their significant figures, names by a transliterated
consonant skeleton).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Sentence ends: Latin/Cyrillic punctuation followed by a space and a capital, digit or
# quote; CJK full stops end a sentence wherever they are.
_SENT_END = re.compile(r"(?<=[.!?…])[\"'»”)]*\s+(?=[\"'«„“(\[]?[\d\w])|(?<=[。！？])")
_ABBREV_WORDS = (r"\b(?:Dr|Mr|Mrs|Ms|Nr|St|vs|bzw|usw|etc|ca|Abs|Art|Prof|Mio|Mrd|Sr|Jr"
                     r"|млн|млрд|тыс|руб|трлн|проф|ул|Inc|Ltd|Co|Corp|Gov|Sen|Rep|No)")
# Before a dot, one or two letters are an initial or an abbreviation. One or two digits are an ordinal
# ("am 15. Juli") only in languages that write ordinals with a dot; elsewhere ("Nord Stream 2. Ils...")
# the sentence ends there, and gluing it to the next one breaks the sentence alignment.
_ABBREV = re.compile(rf"(?:\b\w{{1,2}}|{_ABBREV_WORDS})\.$")
_ABBREV_NO_ORDINALS = re.compile(rf"(?:\b[^\W\d]{{1,2}}|{_ABBREV_WORDS})\.$")
ORDINAL_DOT_LANGS = frozenset("de pl cs sk da no nb nn fi hu et lv lt sl hr sr bs is tr".split())
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")
_DATE = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}")
_CJK_SCALE = {"万": 10_000, "萬": 10_000, "億": 100_000_000, "亿": 100_000_000}
_CJK_COMPOUND = re.compile(r"(\d+)([万萬億亿])(\d{1,4})(?!\d)")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_FOLDS = (("shch", "s"), ("sch", "s"), ("sh", "s"), ("zh", "s"), ("kh", "h"), ("ch", "h"),
          ("ph", "f"), ("th", "t"), ("x", "ks"), ("w", "v"), ("c", "k"), ("q", "k"), ("z", "s"))
MAX_SENTENCE_CHARS = 300


def normalise(text: str) -> str:
    """NFKC so full-width digits and letters (ja/zh pages) compare with ASCII ones."""
    return unicodedata.normalize("NFKC", text or "")


def sentences(paragraphs: list[str], lang: str = "") -> list[str]:
    """Split paragraphs into sentences; paragraph breaks always end a sentence. Without a language,
    a number before a dot is taken for an ordinal."""
    abbrev = _ABBREV if not lang or lang in ORDINAL_DOT_LANGS else _ABBREV_NO_ORDINALS
    out: list[str] = []
    for para in paragraphs:
        pending = ""
        for piece in _SENT_END.split(normalise(para).strip()):
            piece = piece.strip()
            if not piece:
                continue
            pending = f"{pending} {piece}" if pending else piece
            if not abbrev.search(pending):
                out.append(pending[:MAX_SENTENCE_CHARS])
                pending = ""
        if pending:
            out.append(pending[:MAX_SENTENCE_CHARS])
    return out


def is_cjk(text: str) -> bool:
    """True when a fifth or more of the letters are Chinese/Japanese/Korean characters."""
    sample = text[:2000]
    cjk = sum(ch.isalpha() for ch in _CJK.findall(sample))
    return bool(cjk) and cjk * 5 >= sum(ch.isalpha() for ch in sample)


def _number_value(token: str) -> str:
    """A number's digits with separators read the usual way: 3 digits after one = thousands."""
    parts = re.split(r"[.,\u00a0\u202f ]", token)
    whole, rest = parts[0], parts[1:]
    frac = ""
    for part in rest:
        if len(part) == 3 and not frac:
            whole += part
        else:
            frac += part
    return f"{whole}.{frac}" if frac else whole


def significant(value: str) -> str:
    """Significant figures only, so 1.5 million, 1,5 Mio., 150万 and 1500000 all give '15'."""
    digits = value.replace(".", "").lstrip("0").rstrip("0")
    return digits or "0"


def numbers(text: str) -> list[str]:
    """Figures in order of appearance as significant-figure keys; dates split into parts."""
    text = _CJK_COMPOUND.sub(lambda m: str(int(m[1]) * _CJK_SCALE[m[2]] + int(m[3])), normalise(text))
    out: list[str] = []
    for m in _NUMBER.finditer(text):
        token = m.group()
        if _DATE.fullmatch(token):
            out.extend(significant(p) for p in re.split(r"[./]", token))
            continue
        value = _number_value(token)
        scale = _CJK_SCALE.get(text[m.end():m.end() + 1])
        if scale:
            value = str(int(float(value) * scale))
        out.append(significant(value))
    return out


def strong(keys: list[str]) -> list[str]:
    """Keys unlikely to be spelt out in words by a translator (not 0-9): they must survive."""
    return [k for k in keys if len(k) >= 2]


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """Transliterated consonant skeleton: Зеленский, Selenskyj and Zelensky all give 'slns'."""
    w = re.sub(r"[^a-z]", "", anyascii(word).lower())
    for src, dst in _FOLDS:
        w = w.replace(src, dst)
    if not w:
        return ""
    body = re.sub(r"[aeiouy]", "", w[1:].replace("j", ""))
    key = re.sub(r"(.)\1+", r"\1", w[0] + body)
    return key[:4]


# German capitalises every noun: there a capitalised word after a determiner (within two words) or with a
# common-noun ending is taken for a noun, not a name. (Names after a determiner, "die Merkel", are lost;
# "der Kanzler Scholz" keeps Scholz.)
_NOUN_CAPS_LANGS = frozenset({"de", "lb"})
_DE_DETERMINERS = frozenset("""der die das den dem des ein eine einen einem einer eines kein keine keinen
    keinem keiner keines dieser diese dieses diesen diesem jeder jede jedes jeden jedem alle allen mein meine
    sein seine seinen seinem seiner seines ihr ihre ihren ihrem ihrer ihres unser unsere unseren unserem
    unserer zum zur im am vom beim ins ans aufs viele vielen einige einigen mehrere mehreren beiden beide
    andere anderen neue neuen neuer""".split())
_DE_NOUN_END = re.compile(r"(?:ung|ungen|heit|heiten|keit|keiten|schaft|schaften|tion|tionen|ität|itäten"
                          r"|ismus|nis|nisse|tum|ment|chen|lein|ling|linge)$")


def names(sentence_list: list[str], lang: str = "") -> list[str]:
    """Skeleton keys of capitalised words that are not sentence-initial, and of acronyms.

    CJK text has no capitals: only its Latin-script words (NATO, G7) are taken. In German, capitalised
    words that look like common nouns (see _NOUN_CAPS_LANGS) are left out.
    """
    nouns_capitalised = lang in _NOUN_CAPS_LANGS
    out: list[str] = []
    for sent in sentence_list:
        cjk = is_cjk(sent)
        before: list[str] = []
        for i, m in enumerate(_WORD.finditer(sent)):
            word = m.group()
            recent, before = before[-2:], [*before[-1:], word.lower()]
            acronym = len(word) >= 2 and word.isupper()
            if cjk and not word.isascii():
                continue
            if not (acronym or (word[0].isupper() and (i > 0 or cjk))):
                continue
            if nouns_capitalised and not acronym and (
                    any(w in _DE_DETERMINERS for w in recent) or _DE_NOUN_END.search(word.lower())):
                continue
            key = skeleton(word)
            if len(key) >= 2:
                out.append(key)
    return out
