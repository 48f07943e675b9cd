#!/usr/bin/env python3
"""The resident memory of a .NET (or any) process by kind of mapping, from /proc/PID/smaps.

    python3 smaps-kinds.py PID            # one line per kind: KB resident, KB private dirty, mappings

Kinds (Linux, glibc, .NET's regions GC):
  gc-heap       the GC's reservation: the run of adjacent anonymous mappings that holds a reserved (---p) range of
                1 GB or more; its resident part is what the GC has committed and touched
  malloc-arena  glibc's per-thread arenas: runs of anonymous mappings of a multiple of 64 MB, 64 MB aligned
  malloc-heap   glibc's main heap ([heap], brk)
  stacks        thread stacks: a read-write anonymous mapping right above a guard (---p) of at most 64 KB; [stack]
  jit-code      the runtime's executable memory and loader heaps, double-mapped through /memfd:doublemapper (W^X)
  native-libs   mapped .so files
  assemblies    mapped .dll files
  other-file    other mapped files
  other-anon    the rest of the anonymous memory (the runtime's own allocations made with mmap, malloc's large chunks)
"""
import re
import sys

GIB = 1 << 30
ARENA = 64 << 20
GUARD_MAX = 64 << 10
HEADER = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$")


def read(pid):
    maps = []
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            header = HEADER.match(line)
            if header:
                maps.append({"start": int(header[1], 16), "end": int(header[2], 16), "perms": header[3],
                             "path": header[4].strip(), "rss": 0, "dirty": 0})
            elif line.startswith("Rss:"):
                maps[-1]["rss"] = int(line.split()[1])
            elif line.startswith("Private_Dirty:"):
                maps[-1]["dirty"] = int(line.split()[1])
    return maps


def anonymous_runs(maps):
    run = []
    for m in maps:
        if m["path"] == "" and run and run[-1]["end"] == m["start"]:
            run.append(m)
            continue
        if run:
            yield run
        run = [m] if m["path"] == "" else []
    if run:
        yield run


def classify(maps):
    kind = {}
    for m in maps:
        path = m["path"]
        if path == "":
            continue
        if path == "[heap]":
            kind[id(m)] = "malloc-heap"
        elif path == "[stack]":
            kind[id(m)] = "stacks"
        elif path.startswith("/memfd:doublemapper"):
            kind[id(m)] = "jit-code"
        elif path.startswith("["):
            kind[id(m)] = "other-anon"
        elif ".so" in path:
            kind[id(m)] = "native-libs"
        elif path.endswith(".dll"):
            kind[id(m)] = "assemblies"
        else:
            kind[id(m)] = "other-file"
    for run in anonymous_runs(maps):
        size = run[-1]["end"] - run[0]["start"]
        if any(m["perms"].startswith("---") and m["end"] - m["start"] >= GIB for m in run):
            for m in run:
                kind[id(m)] = "gc-heap"
        elif size % ARENA == 0 and run[0]["start"] % ARENA == 0:
            for m in run:
                kind[id(m)] = "malloc-arena"
        else:
            for i, m in enumerate(run):
                below = run[i - 1] if i > 0 else None
                guarded = below is not None and below["perms"].startswith("---") and below["end"] - below["start"] <= GUARD_MAX
                kind[id(m)] = "stacks" if guarded and m["perms"].startswith("rw") else "other-anon"
    return kind


def main():
    maps = read(sys.argv[1])
    kind = classify(maps)
    totals = {}
    for m in maps:
        k = kind.get(id(m), "other-anon")
        rss, dirty, count = totals.get(k, (0, 0, 0))
        totals[k] = (rss + m["rss"], dirty + m["dirty"], count + 1)
    for k in sorted(totals, key=lambda k: -totals[k][0]):
        rss, dirty, count = totals[k]
        print(f"{k}\t{rss}\t{dirty}\t{count}")
    print(f"total\t{sum(t[0] for t in totals.values())}\t{sum(t[1] for t in totals.values())}\t{len(maps)}")


if __name__ == "__main__":
    main()
