#!/usr/bin/env python3
"""The collections of a connect burst, from the CounterHook's GC event log (TYPEDIO_GCEVENTS_FILE, GcEventLog.cs).

    python3 gc-burst-table.py RUN_DIR                 one run: a line per GC in the burst, then the totals
    python3 gc-burst-table.py RUN_DIR RUN_DIR ...     several runs: one line of totals per run

RUN_DIR is a folder of idle-breakdown.sh: gcevents.tsv, and burst-window.txt (FROM_MS TO_MS CONNECTIONS: from the
baseline snapshot, just before the first connect, to the rss-read snapshot, 2 s after the last). Times in ms, sizes in
KB of 1,024 B. Columns: suspend = from the runtime's suspension request until every thread stopped; pause = from that
request until the threads run again (a background GC has two or three, added up); mark = time spent on each kind of
root (stack, finalization queue, handles, older generations through the card table, objects newly ready for
finalization); after mark = plan, relocate or sweep, compact; promoted = bytes that survived, by generation collected.
"""
import os
import statistics
import sys

REASONS = {0: "alloc", 1: "induced", 2: "lowmem", 3: "empty", 4: "alloc-loh", 5: "oos-soh", 6: "oos-loh",
           7: "induced-nf", 8: "internal", 9: "induced-lowmem", 10: "induced-compact", 11: "lowmem-host",
           12: "pm-full", 13: "lowmem-host-blocking"}
COMPACT = ["low-ephemeral", "high-frag", "no-gaps", "loh-forced", "last-gc", "induced", "fragmented-gen0",
           "high-mem-load", "high-mem-frag", "vhigh-mem-frag", "no-gc-mode", "aggressive"]
MARKS = ["stack", "fq", "handles", "older", "dh", "newfq", "overflow"]


def load(run):
    rows = []
    with open(os.path.join(run, "gcevents.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            if line.startswith("#"):
                continue
            values = line.rstrip("\n").split("\t")
            rows.append(dict(zip(header, values)))
    window = open(os.path.join(run, "burst-window.txt")).read().split()
    start, end, connections = float(window[0]), float(window[1]), int(window[2])
    inside = [r for r in rows if start <= float(r["start_unix_ms"]) <= end]
    inside.sort(key=lambda r: float(r["start_unix_ms"]))
    return inside, start, end, connections


def f(row, column):
    value = row.get(column, "")
    return float(value) if value not in ("", None) else 0.0


def totals(rows, connections):
    gcs = [r for r in rows if r["gen"] != "-1"]
    others = [r for r in rows if r["gen"] == "-1"]
    by_gen = {g: sum(1 for r in gcs if r["gen"] == str(g)) for g in (0, 1, 2)}
    # What survived a gen-0 collection went to gen 1; what survived a gen-1 one went to gen 2 (a background GC's own
    # promoted figure is its whole live gen 2: left out). Compare with the live heap per connection: the excess died later.
    into_gen1 = sum(f(r, "promoted_gen0_kb") for r in gcs if r["type"] != "background")
    into_gen2 = sum(f(r, "promoted_gen1_kb") for r in gcs if r["type"] != "background")
    pauses = [f(r, "pause_ms") for r in gcs]
    return {
        "gcs": f"{by_gen[0]}/{by_gen[1]}/{by_gen[2]}",
        "pause": sum(pauses),
        "max": max(pauses, default=0),
        "suspend": sum(f(r, "suspend_ms") for r in gcs),
        "gen0 pause": sum(f(r, "pause_ms") for r in gcs if r["gen"] == "0"),
        "gen1 pause": sum(f(r, "pause_ms") for r in gcs if r["gen"] == "1"),
        "gen2 pause": sum(f(r, "pause_ms") for r in gcs if r["gen"] == "2"),
        **{f"mark {m}": sum(f(r, f"mark_{m}_ms") for r in gcs if r["type"] != "background") for m in MARKS},
        "after mark": sum(f(r, "after_mark_ms") for r in gcs if r["type"] != "background"),
        "into gen1 B/conn": into_gen1 * 1024 / connections,
        "into gen2 B/conn": into_gen2 * 1024 / connections,
        "compacting": sum(1 for r in gcs if r["compacted"] == "1"),
        "compacting pause": sum(f(r, "pause_ms") for r in gcs if r["compacted"] == "1"),
        "other suspensions": len(others),
        "other pause": sum(f(r, "pause_ms") for r in others),
    }


def compact_reason(row):
    """The GC's reason to compact (GCPerHeapHistory's CompactMechanisms: a bit per reason under the top bit), or '–'."""
    value = row.get("compact_mechanisms", "")
    if not value or row.get("compacted") != "1":
        return "–"
    bits = int(value, 16) & 0x7FFFFFFF
    return ",".join(name for i, name in enumerate(COMPACT) if bits & (1 << i)) or "?"


def one(run):
    rows, start, end, connections = load(run)
    print(f"{run}: {connections:,} connections, burst window {(end - start) / 1000:.1f} s")
    print()
    print("| # | gen | type | reason | at s | pause | suspend | mark stack | fq | handles | older (cards) | newfq |"
          " after mark | promoted 0/1/2 KB | fin. promoted | pinned | handles | compacted (why) |")
    print("|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|")
    for r in rows:
        if r["gen"] == "-1":
            print(f"| – | – | suspension | – | {(float(r['start_unix_ms']) - start) / 1000:.2f} | {f(r, 'pause_ms'):.1f} |"
                  f" {f(r, 'suspend_ms'):.1f} | | | | | | | | | | | |")
            continue
        promoted = "/".join(f"{f(r, f'promoted_gen{g}_kb'):,.0f}" for g in range(3))
        print(f"| {r['gc']} | {r['gen']} | {r['type']} | {REASONS.get(int(r['reason'] or 0), r['reason'])} |"
              f" {(float(r['start_unix_ms']) - start) / 1000:.2f} | {f(r, 'pause_ms'):.1f} | {f(r, 'suspend_ms'):.1f} |"
              f" {f(r, 'mark_stack_ms'):.1f} | {f(r, 'mark_fq_ms'):.1f} | {f(r, 'mark_handles_ms'):.1f} |"
              f" {f(r, 'mark_older_ms'):.1f} | {f(r, 'mark_newfq_ms'):.1f} | {f(r, 'after_mark_ms'):.1f} | {promoted} |"
              f" {f(r, 'finalization_promoted_count'):.0f} | {f(r, 'pinned_objects'):.0f} | {f(r, 'gc_handles'):.0f} |"
              f" {r['compacted']} ({compact_reason(r)}) |")
    print()
    t = totals(rows, connections)
    print("| total | " + " | ".join(t.keys()) + " |")
    print("|---|" + "---:|" * len(t))
    print("| | " + " | ".join(v if isinstance(v, str) else f"{v:,.1f}" for v in t.values()) + " |")


def many(runs):
    results = []
    for run in runs:
        rows, _, _, connections = load(run)
        results.append((os.path.basename(run.rstrip("/")), totals(rows, connections)))
    keys = list(results[0][1].keys())
    print("| run | " + " | ".join(keys) + " |")
    print("|---|" + "---:|" * len(keys))
    for name, t in results:
        print(f"| {name} | " + " | ".join(v if isinstance(v, str) else f"{v:,.1f}" for v in t.values()) + " |")
    numeric = [k for k in keys if not isinstance(results[0][1][k], str)]
    print("| median | " + " | ".join(f"{statistics.median(t[k] for _, t in results):,.1f}" if k in numeric else ""
                                      for k in keys) + " |")


if __name__ == "__main__":
    if len(sys.argv) == 2:
        one(sys.argv[1])
    else:
        many(sys.argv[1:])
