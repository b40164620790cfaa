"""Benchmark cross-language story linking (workers.translation) on the crosslingual eval set.

Reads manifest.jsonl directly (no Redis, no Celery): fingerprints every page from its
title and body, finds candidates through in-memory LSH band tables (pages arrive in
publication order, each probes the tables then is filed), verifies candidates, joins
them by union-find and scores pairwise precision/recall of "same story" exactly as
score_clusters.py does. Also: per language pair figures, an exhaustive check of every
pair (hard negatives), a forced-fallback run (as if the original's language were
unknown to the encoder), hand-written same-event negatives, timing and bytes.

    .venv/bin/python bench/crosslingual.py [--data-dir ../shared/eval/crosslingual]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workers.translation import (  # noqa: E402
    TranslationFingerprint,
    band_keys,
    probe_keys,
    translation_fingerprint,
    verify_translation,
)
from workers.translation_align import PAIR_MIN_COSINE, align, sequence_overlap  # noqa: E402

# Same event, written independently (by hand for this bench): must not verify.
SAME_EVENT_NEGATIVES = [
    (("en", "Earthquake of magnitude 6.1 shakes central Italy",
      ["A strong earthquake struck central Italy early on Tuesday, waking residents across the region.",
       "Officials said several old buildings were damaged in the town of Norcia.",
       "There were no immediate reports of deaths, the civil protection agency said.",
       "The quake was felt as far away as Rome, where some people left their homes."]),
     ("de", "Erdbeben erschüttert Mittelitalien",
      ["In der Nacht zum Dienstag hat ein Beben der Stärke 6,1 die Region Umbrien getroffen.",
       "Viele Menschen verbrachten die Nacht im Freien, berichteten italienische Medien.",
       "Die Regierung in Rom kündigte Soforthilfe für die betroffenen Gemeinden an.",
       "Experten warnen vor möglichen Nachbeben in den kommenden Tagen."])),
    (("fr", "La BCE relève ses taux de 0,25 point",
      ["La Banque centrale européenne a annoncé jeudi une hausse de ses taux directeurs.",
       "Christine Lagarde a justifié cette décision par une inflation toujours trop élevée.",
       "Les marchés avaient largement anticipé ce mouvement.",
       "L'euro a peu réagi après l'annonce à Francfort."]),
     ("ru", "ЕЦБ повысил ключевую ставку",
      ["Европейский центральный банк в четверг повысил процентные ставки на 0,25 процентного пункта.",
       "Аналитики считают, что регулятор может сделать паузу уже летом.",
       "Глава ЕЦБ Кристин Лагард заявила журналистам во Франкфурте, что борьба с инфляцией не закончена.",
       "Курс евро к доллару почти не изменился."])),
    (("en", "Real Madrid beat Barcelona 3-1 in the Clasico",
      ["Vinicius Junior scored twice as Real Madrid beat Barcelona 3-1 at the Bernabeu on Sunday.",
       "Barcelona pulled one back through Lewandowski before half-time.",
       "Real now lead La Liga by five points.",
       "Xavi said his side had not deserved to lose by two goals."]),
     ("es", "El Madrid gana el Clásico",
      ["El Real Madrid se impuso al Barcelona por 3-1 en el Santiago Bernabéu.",
       "Xavi lamentó los errores defensivos de su equipo en la segunda parte.",
       "Con esta victoria, el conjunto blanco saca cinco puntos de ventaja en La Liga.",
       "Vinicius, autor de dos goles, fue elegido mejor jugador del partido."])),
]


def load(data_dir: Path) -> list[dict]:
    rows = [json.loads(line) for line in (data_dir / "manifest.jsonl").open(encoding="utf-8")]
    return sorted(rows, key=lambda r: r["published"])


def paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n\n") if p.strip()]


def fingerprints(rows: list[dict]) -> tuple[list[TranslationFingerprint], list[float]]:
    translation_fingerprint("warm up", ["The model loads once."], "en")
    fps, times = [], []
    for r in rows:
        t0 = time.perf_counter()
        fps.append(translation_fingerprint(r["title"], paragraphs(r["body"]), r["lang"]))
        times.append((time.perf_counter() - t0) * 1000)
    return fps, times


def candidates(fps: list[TranslationFingerprint]) -> set[tuple[int, int]]:
    """Simulated band tables: each page probes what came before it, then is filed."""
    tables: dict[str, list[int]] = defaultdict(list)
    pairs = set()
    for j, fp in enumerate(fps):
        for key in set(probe_keys(fp)):
            pairs.update((i, j) for i in tables.get(key, ()))
        for key in band_keys(fp):
            tables[key].append(j)
    return pairs


def cluster(n: int, links: list[tuple[int, int]]) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        parent[find(a)] = find(b)
    return [find(i) for i in range(n)]


def pair_kind(rows: list[dict], i: int, j: int) -> str:
    return "-".join(sorted((rows[i]["lang"], rows[j]["lang"])))


def score(rows: list[dict], labels: list[int]) -> dict:
    """Pairwise precision/recall of "same story", overall and per language pair (score_clusters.py)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for i, j in itertools.combinations(range(len(rows)), 2):
        truth, same = rows[i]["cluster"] == rows[j]["cluster"], labels[i] == labels[j]
        for key in ("all", pair_kind(rows, i, j)):
            counts[key].update(tp=truth and same, fp=same and not truth, fn=truth and not same)
    return {k: prf(c) for k, c in sorted(counts.items())}


def prf(c: Counter) -> dict:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"P": round(p, 4), "R": round(r, 4), "f1": round(f1, 4), **{k: c[k] for k in ("tp", "fp", "fn")}}


def run(rows: list[dict], fps: list[TranslationFingerprint], label: str) -> dict:
    cands = candidates(fps)
    truth = {(i, j) for i, j in itertools.combinations(range(len(rows)), 2)
             if rows[i]["cluster"] == rows[j]["cluster"]}
    t0 = time.perf_counter()
    links = [(i, j) for i, j in cands if verify_translation(fps[i], fps[j]).same]
    verify_ms = (time.perf_counter() - t0) * 1000 / max(1, len(cands))
    linked = set(links)
    missed = [(rows[i]["cluster"], rows[i]["kind"], rows[j]["kind"], "verify" if (i, j) in cands else "lsh")
              for i, j in sorted(truth) if (i, j) not in linked]
    return {"run": label, "candidates_per_article": round(2 * len(cands) / len(rows), 2),
            "candidate_recall": round(len(cands & truth) / len(truth), 4),
            "verify_ms_per_candidate": round(verify_ms, 3),
            "score": score(rows, cluster(len(rows), links)), "missed": missed}


def exhaustive(rows: list[dict], fps: list[TranslationFingerprint]) -> dict:
    """Every pair verified regardless of candidates: false links among all different-story pairs."""
    false = Counter()
    examples = []
    for i, j in itertools.combinations(range(len(rows)), 2):
        if rows[i]["cluster"] == rows[j]["cluster"]:
            continue
        kind = "same-lang" if rows[i]["lang"] == rows[j]["lang"] else "cross-lang"
        false[kind + " pairs"] += 1
        false[kind + " verified"] += 0
        verdict = verify_translation(fps[i], fps[j])
        if verdict.same:
            false[kind + " verified"] += 1
            examples.append((rows[i]["title"][:50], rows[j]["title"][:50], verdict.details))
    return {"counts": dict(false), "examples": examples[:5]}


def cross_validated(rows: list[dict], fps: list[TranslationFingerprint], folds: int = 5) -> dict:
    """MIN_COVERAGE picked on 4/5 of the sources, scored on the 5th (no source in both)."""
    fold_of = {s: k % folds for k, s in enumerate(sorted({source(r) for r in rows}))}
    pairs = [(i, j, rows[i]["cluster"] == rows[j]["cluster"], fold_of[source(rows[i])])
             for i, j in itertools.combinations(range(len(rows)), 2)
             if rows[i]["lang"] != rows[j]["lang"] and fold_of[source(rows[i])] == fold_of[source(rows[j])]]
    cover = {(i, j): align(fps[i].sentence_bits, fps[j].sentence_bits) for i, j, _, _ in pairs}
    grid = (0.5, 0.6, 2 / 3, 0.75, 0.8)
    total, chosen = Counter(), []
    for k in range(folds):
        fit = [p for p in pairs if p[3] != k]
        best = max(grid, key=lambda c: prf(_counts(fit, cover, fps, c))["f1"])
        chosen.append(round(best, 3))
        total += _counts([p for p in pairs if p[3] == k], cover, fps, best)
    return {"chosen_per_fold": chosen, "out_of_fold": prf(total)}


def source(row: dict) -> str:
    """The publisher a story came from (handelsblatt, izvestiya...): stories of one never straddle folds."""
    return row["cluster"].split(":")[1].split(".")[0]


def _counts(pairs, cover, fps, min_cov) -> Counter:
    c = Counter()
    for i, j, truth, _ in pairs:
        al = cover[(i, j)]
        same = al.coverage >= min_cov and al.aligned >= min(3, al.shorter) and not _contradict(fps[i], fps[j])
        c.update(tp=truth and same, fp=same and not truth, fn=truth and not same)
    return c


def _contradict(a: TranslationFingerprint, b: TranslationFingerprint) -> bool:
    nums = sequence_overlap(a.numbers, b.numbers)
    return nums.shorter >= 2 and nums.ratio < 0.5


def same_language_by_sentences(rows: list[dict], fps: list[TranslationFingerprint]) -> dict:
    """The sentence rule alone (language short-cut removed) on same-language different stories."""
    c = Counter()
    for i, j in itertools.combinations(range(len(rows)), 2):
        if rows[i]["lang"] == rows[j]["lang"] and rows[i]["cluster"] != rows[j]["cluster"]:
            a, b = (dataclasses.replace(fp, lang="") for fp in (fps[i], fps[j]))
            c.update(pairs=1, verified=verify_translation(a, b).same)
    return dict(c)


def threshold_sweep(rows: list[dict], fps: list[TranslationFingerprint]) -> dict:
    """Per sentence-match threshold: true pairs verified (of 177) and different stories verified."""
    out = {}
    for threshold in (0.42, 0.45, 0.48, 0.5, 0.52, 0.55):
        c = Counter()
        for i, j in itertools.combinations(range(len(rows)), 2):
            if rows[i]["lang"] == rows[j]["lang"]:
                continue
            al = align(fps[i].sentence_bits, fps[j].sentence_bits, threshold)
            enough = al.aligned >= min(3, al.shorter) and al.coverage >= 2 / 3
            same = enough and not _contradict(fps[i], fps[j])
            c["tp" if rows[i]["cluster"] == rows[j]["cluster"] else "fp"] += same
        out[threshold] = (c["tp"], c["fp"])
    return out


def hand_negatives() -> list[dict]:
    out = []
    for (la, ta, pa), (lb, tb, pb) in SAME_EVENT_NEGATIVES:
        verdict = verify_translation(translation_fingerprint(ta, pa, la), translation_fingerprint(tb, pb, lb))
        out.append({"pair": f"{la}-{lb}", "same": verdict.same, "score": verdict.score})
    return out


def without_encoder(fp: TranslationFingerprint) -> TranslationFingerprint:
    """The fingerprint a page would get if its language were unknown to the encoder."""
    return dataclasses.replace(fp, encoded=False, lead_bits=b"", weak_bits=b"", sentence_bits=())


def report(rows: list[dict], fps: list[TranslationFingerprint], times: list[float]) -> None:
    sizes = [len(fp.to_bytes()) for fp in fps]
    print(f"pages={len(rows)} fingerprint ms/page mean={statistics.mean(times):.2f} "
          f"median={statistics.median(times):.2f} max={max(times):.1f}")
    print(f"stored bytes/page mean={statistics.mean(sizes):.0f} max={max(sizes)}; "
          f"band keys filed/page={statistics.mean(len(band_keys(f)) for f in fps):.1f} "
          f"probes/page={statistics.mean(len(set(probe_keys(f))) for f in fps):.1f}")
    originals = [without_encoder(fp) if r["kind"] == "original" else fp
                 for r, fp in zip(rows, fps, strict=True)]
    for label, variant in (("encoder", fps), ("fallback: originals without encoder", originals)):
        res = run(rows, variant, label)
        print(f"\n== {label}: candidates/page={res['candidates_per_article']} "
              f"candidate recall={res['candidate_recall']} "
              f"verify ms/candidate={res['verify_ms_per_candidate']}")
        for key, s in res["score"].items():
            print(f"  {key:8s} P={s['P']:.4f} R={s['R']:.4f} tp={s['tp']} fp={s['fp']} fn={s['fn']}")
        print(f"  missed ({len(res['missed'])}): {res['missed'][:8]}")
    print("\n== exhaustive (every different-story pair verified):",
          json.dumps(exhaustive(rows, fps), ensure_ascii=False))
    print("== exhaustive, evidence route only (every page without its encoder fields):",
          json.dumps(exhaustive(rows, [without_encoder(fp) for fp in fps]), ensure_ascii=False))
    print("== sentence-match threshold sweep (cross-language pairs verified, PAIR_MIN_COSINE "
          f"{PAIR_MIN_COSINE}):", threshold_sweep(rows, fps))
    print("== hand-written same-event negatives:", hand_negatives())
    print("== same-language different stories, sentence rule alone:", same_language_by_sentences(rows, fps))
    print("== 5-fold CV by source of MIN_COVERAGE (pair level, cross-language):", cross_validated(rows, fps))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=Path("../shared/eval/crosslingual"))
    args = ap.parse_args()
    rows = load(args.data_dir)
    fps, times = fingerprints(rows)
    report(rows, fps, times)


if __name__ == "__main__":
    main()
