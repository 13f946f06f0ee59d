"""Speed and memory of the matching engine. One command:

    .venv/bin/python bench/matching_speed.py [--data-dir DIR] [--calls 500]

Prints: import and load time, resident memory after load (VmRSS, and the peak VmHWM), p50/p95/max of
`recommend` (realistic profiles: one occupation's items, two occupations mixed, skills only) and of `extract`
(texts of about 1,000 characters, built from the evaluation set with a fixed seed), and batch throughput of
the command line's work (JSON encode included). Bars: load <= 3 s, RSS <= 400 MB, recommend p95 <= 10 ms,
extract p95 <= 20 ms.
"""

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EVAL_SET = Path(__file__).resolve().parent / "data" / "extraction_eval.jsonl"
BARS = {"load_s": 3.0, "rss_mb": 400.0, "recommend_p95_ms": 10.0, "extract_p95_ms": 20.0}


def load_wish_cases() -> list[dict]:
    path = Path(__file__).resolve().parent / "data" / "wishes_eval.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def rss_mb() -> tuple[float, float]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", float("nan")), fields.get("VmHWM", float("nan"))


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95, ordered[-1]


def texts_of_1000_chars(rng: random.Random, count: int) -> list[str]:
    accounts = [json.loads(line)["text"] for line in EVAL_SET.read_text(encoding="utf-8").splitlines() if line]
    out = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < 1000:
            parts.append(rng.choice(accounts))
        out.append(" ".join(parts)[:1000])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(42)

    t0 = time.perf_counter()
    from trajectoire.matching import Engine

    t1 = time.perf_counter()
    engine = Engine.from_dir(args.data_dir)
    t2 = time.perf_counter()
    rss, peak = rss_mb()
    load_s = t2 - t1

    codes = engine.codes
    profiles = []
    for k in range(args.calls):
        a, b = rng.sample(codes, 2)
        items_a = [engine.item_codes[j] for j in engine.coherence[engine.index[a]].indices]
        items_b = [engine.item_codes[j] for j in engine.coherence[engine.index[b]].indices]
        if k % 3 == 0:
            profiles.append({"skills": items_a, "current_occupations": [a], "riasec": "SA"})
        elif k % 3 == 1:
            mixed = rng.sample(items_a, len(items_a) // 2) + rng.sample(items_b, len(items_b) // 2)
            profiles.append({"skills": mixed, "current_occupations": [a, b]})
        else:
            profiles.append({"skills": rng.sample(items_a, max(1, len(items_a) // 3))})
    texts = texts_of_1000_chars(rng, args.calls)

    # Warm-up (first calls fill the stem and typo caches, as in a long-running web process).
    for p in profiles[:20]:
        engine.recommend(p, top=10)
    for t in texts[:20]:
        engine.extract(t, top=5)

    # Profiles with the person's words (the wishes of bench/data/wishes_eval.jsonl, cycled): reading the
    # words, extracting from them and the themes' skill vectors are included. The first call of each theme
    # builds its vector once per process (`cold`); the warm-up then covers every theme, as a web worker would.
    wishes = [c["wishes"] for c in load_wish_cases() if c["wishes"]]
    wish_profiles = [{**p, "wishes": wishes[i % len(wishes)]} for i, p in enumerate(profiles)]
    s = time.perf_counter()
    engine.recommend(wish_profiles[0], top=10)
    cold_ms = 1000 * (time.perf_counter() - s)
    for p in wish_profiles[: len(wishes)]:
        engine.recommend(p, top=10)
    wish_ms = []
    for p in wish_profiles:
        s = time.perf_counter()
        engine.recommend(p, top=10)
        wish_ms.append(1000 * (time.perf_counter() - s))

    rec_ms = []
    for p in profiles:
        s = time.perf_counter()
        engine.recommend(p, top=10)
        rec_ms.append(1000 * (time.perf_counter() - s))
    ext_ms = []
    for t in texts:
        s = time.perf_counter()
        engine.extract(t, top=5)
        ext_ms.append(1000 * (time.perf_counter() - s))

    # Batch throughput: what the command line does per line (engine call + JSON encoding).
    s = time.perf_counter()
    for p in profiles:
        json.dumps(engine.recommend(p, top=10).to_dict(), ensure_ascii=False)
    rec_rate = len(profiles) / (time.perf_counter() - s)
    s = time.perf_counter()
    for t in texts:
        json.dumps(engine.extract(t, top=5).to_dict(), ensure_ascii=False)
    ext_rate = len(texts) / (time.perf_counter() - s)
    rss_after, peak_after = rss_mb()

    r50, r95, rmax = percentiles(rec_ms)
    e50, e95, emax = percentiles(ext_ms)
    print(f"ROME v{engine.version}, {args.calls} calls each, Python {sys.version.split()[0]}")
    print(f"{'measure':<34} {'value':>12}   bar")
    print(f"{'import trajectoire.matching':<34} {t1 - t0:>10.2f} s")
    print(f"{'load (Engine.from_dir)':<34} {load_s:>10.2f} s   <= {BARS['load_s']:.0f} s")
    print(f"{'RSS after load':<34} {rss:>9.0f} MB   <= {BARS['rss_mb']:.0f} MB")
    print(f"{'RSS peak (after all calls)':<34} {max(peak, peak_after):>9.0f} MB")
    print(f"{'recommend p50 / p95 / max':<34} {r50:>5.1f} / {r95:.1f} / {rmax:.1f} ms   p95 <= 10 ms")
    w50, w95, wmax = percentiles(wish_ms)
    print(f"{'recommend with wishes p50/p95/max':<34} {w50:>5.1f} / {w95:.1f} / {wmax:.1f} ms   p95 <= 10 ms")
    print(f"{'first call with wishes (cold)':<34} {cold_ms:>8.0f} ms")
    print(f"{'extract 1,000 chars p50 / p95 / max':<34} {e50:>5.1f} / {e95:.1f} / {emax:.1f} ms   p95 <= 20 ms")
    print(f"{'batch recommend (with JSON)':<34} {rec_rate:>8.0f} /s")
    print(f"{'batch extract (with JSON)':<34} {ext_rate:>8.0f} /s")
    ok = (
        load_s <= BARS["load_s"]
        and rss <= BARS["rss_mb"]
        and r95 <= BARS["recommend_p95_ms"]
        and w95 <= BARS["recommend_p95_ms"]
        and e95 <= BARS["extract_p95_ms"]
    )
    print(f"bars: {'OK' if ok else 'NOT MET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
