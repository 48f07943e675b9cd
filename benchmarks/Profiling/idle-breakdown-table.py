#!/usr/bin/env python3
"""idle-breakdown.sh's snapshots as a table: each snapshot's growth over the baseline, per connection (KB = 1,024 B).

    python3 idle-breakdown-table.py .../snapshots.txt [connections]
"""
import sys

KINDS = ["gc-heap", "jit-code", "assemblies", "native-libs", "other-anon", "malloc-heap", "malloc-arena", "stacks", "other-file"]
GC_COLUMNS = ["heap_kb", "fragmented_kb", "committed_kb", "gen0_kb", "gen1_kb", "gen1_frag_kb", "gen2_kb", "gen2_frag_kb",
              "loh_kb", "poh_kb", "gen0_count", "gen1_count", "gen2_count"]


def parse(path):
    header, snapshots, current = None, [], None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("gc-header "):
            header = line[len("gc-header "):].split("\t")
        elif line.startswith("== "):
            current = {"label": line.split()[1], "kinds": {}, "gc": {}}
            snapshots.append(current)
        elif current is None:
            continue
        elif line.startswith("VmRSS:"):
            current["rss"] = int(line.split()[1])
        elif line.startswith("Threads:"):
            current["threads"] = int(line.split()[1])
        elif line.startswith("kind "):
            name, rss = line[5:].split("\t")[:2]
            current["kinds"][name] = int(rss)
        elif line.startswith("gc ") and header:
            values = line[3:].split("\t")
            current["gc"] = dict(zip(header, values))
    return snapshots


def main():
    snapshots = parse(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    base = snapshots[0]
    labels = [s["label"] for s in snapshots[1:]]
    print("| per connection (growth over the baseline) | " + " | ".join(labels) + " |")
    print("|---|" + "---:|" * len(labels))

    def row(name, value):
        print(f"| {name} | " + " | ".join(value(s) for s in snapshots[1:]) + " |")

    per = lambda kb: f"{kb * 1024 / count:,.0f} B"
    row("VmRSS", lambda s: per(s["rss"] - base["rss"]))
    for kind in KINDS:
        row(f"resident: {kind}", lambda s, k=kind: per(s["kinds"].get(k, 0) - base["kinds"].get(k, 0)))
    for column in GC_COLUMNS:
        if column.endswith("_count"):
            row(f"GC: {column}", lambda s, c=column: str(int(s["gc"][c]) - int(base["gc"][c])))
        else:
            row(f"GC: {column}", lambda s, c=column: per(int(s["gc"][c] or 0) - int(base["gc"][c] or 0)))
    row("threads", lambda s: f"{base['threads']} → {s['threads']}")
    print()
    gc = base["gc"]
    print(f"server GC {gc.get('server_gc')}, processors {gc.get('processors')}; baseline VmRSS {base['rss']:,} KB, "
          f"GC heap {int(gc['heap_kb']):,} KB, committed {int(gc['committed_kb']):,} KB")


if __name__ == "__main__":
    main()
