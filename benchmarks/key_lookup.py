"""What finding a night's few keys costs in a large DuckDB table: a scan, an ART index, or rows kept in key order.

    .venv/bin/python benchmarks/key_lookup.py --rows 500000,5000000 --keys 700 --repeat 5

The nightly refresh rebuilds a keyed mart's rows by key (etl/marts.py): it finds the rows of the night's keys (a
journey's people, say), deletes them and inserts them again, then the version is checkpointed. Each of those steps
reads the whole table for a few hundred keys, so its cost grows with the history. This measures, on a table of
--rows rows with a text key in no particular order (as a mart's people are), for --keys keys drawn at random:

- scan: the rows of the keys (a semi join with a table of the keys, as the refresh writes it), and deleting and
  inserting them again, then the commit and a checkpoint;
- index: the same with an ART index on the key (`create index`), the lookup written as a constant `in (...)` list,
  the only form DuckDB answers from the index (a join with a table of keys, or a list bound as a parameter, scans);
  with the index's build time and the file's size;
- ordered: the semi join on a copy of the table stored in key order, whose row groups' minimum and maximum keys
  could let a scan skip them.

Each figure is the median of --repeat rounds, each round on a fresh copy of the database file. Results:
benchmarks/results/key_lookup.json and .md.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
from common import machine, versions

DEFAULT_RESULTS = Path(__file__).resolve().parent / "results"


def build(path: Path, rows: int) -> None:
    """A table of `rows` rows keyed by a text person id in no particular order, with a few columns of payload."""
    for leftover in (path, Path(f"{path}.wal")):
        leftover.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute(
            "create table journeys as select 'P' || lpad(((i * 7919) % $rows)::varchar, 8, '0') as person_id, "
            "i % 97 as cohort, 'step ' || (i % 13) as step, date '2020-01-01' + (i % 2000)::integer as entered_on, "
            "i as sequence from range($rows) as numbers(i)",
            {"rows": rows},
        )
        con.execute("create table journeys_ordered as select * from journeys order by person_id")
        con.execute("checkpoint")


def keys_of(rows: int, count: int, seed: int) -> list[str]:
    chooser = random.Random(seed)
    return [f"P{(chooser.randrange(rows) * 7919) % rows:08d}" for _ in range(count)]


def timed(con: duckdb.DuckDBPyConnection, sql: str, parameters: Any = None) -> float:
    started = time.perf_counter()
    con.execute(sql, parameters).fetchall()
    return time.perf_counter() - started


def one_round(source: Path, work: Path, rows: int, keys: list[str], with_index: bool) -> dict[str, float]:
    path = work / ("index.duckdb" if with_index else "scan.duckdb")
    for leftover in (path, Path(f"{path}.wal")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(source, path)
    figures: dict[str, float] = {}
    listed = "(" + ", ".join(f"'{key}'" for key in keys) + ")"  # the keys are generated here, never read from input
    with duckdb.connect(str(path)) as con:
        con.execute("create temp table night_keys as select unnest($keys::varchar[]) as key", {"keys": keys})
        if with_index:
            started = time.perf_counter()
            con.execute("create index journeys_person on journeys (person_id)")
            con.execute("checkpoint")
            figures["index build and checkpoint s"] = time.perf_counter() - started
            lookup = f"select * from journeys where person_id in {listed}"
        else:
            lookup = "select * from journeys semi join night_keys on journeys.person_id = night_keys.key"
            figures["ordered lookup s"] = timed(
                con, "select * from journeys_ordered semi join night_keys on journeys_ordered.person_id = night_keys.key"
            )
        figures["lookup s"] = timed(con, lookup)
        con.execute("begin transaction")
        con.execute(f"create temp table night_rows as {lookup}")
        where = f"person_id in {listed}" if with_index else "person_id in (select key from night_keys)"
        started = time.perf_counter()
        con.execute(f"delete from journeys where {where}")
        con.execute("insert into journeys select * from night_rows")
        figures["delete and insert s"] = time.perf_counter() - started
        started = time.perf_counter()
        con.execute("commit")
        figures["commit s"] = time.perf_counter() - started
        started = time.perf_counter()
        con.execute("checkpoint")
        figures["checkpoint s"] = time.perf_counter() - started
    figures["file MiB"] = path.stat().st_size / 2**20
    figures["night total s"] = (
        figures["lookup s"] + figures["delete and insert s"] + figures["commit s"] + figures["checkpoint s"]
    )
    return figures


def measure(rows: int, key_count: int, repeat: int, work: Path) -> dict[str, Any]:
    source = work / f"journeys-{rows}.duckdb"
    build(source, rows)
    rounds: dict[str, list[dict[str, float]]] = {"scan": [], "index": []}
    for number in range(repeat):
        keys = keys_of(rows, key_count, seed=number)
        for kind in ("scan", "index") if number % 2 == 0 else ("index", "scan"):
            rounds[kind].append(one_round(source, work, rows, keys, with_index=kind == "index"))
    medians = {
        kind: {name: statistics.median(figures[name] for figures in measured) for name in measured[0]}
        for kind, measured in rounds.items()
    }
    return {"rows": rows, "keys": key_count, "medians": medians, "rounds": rounds}


def markdown(results: list[dict[str, Any]], command: str) -> str:
    lines = [
        f"Command: `{command}`",
        "",
        "| rows | keys | way | lookup s | delete and insert s | commit s | checkpoint s | night total s | index build s "
        "| file MiB |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        scan, index = result["medians"]["scan"], result["medians"]["index"]
        for way, figures in (("scan", scan), ("ART index, constant list", index)):
            build_cell = f"{figures['index build and checkpoint s']:.2f}" if "index build and checkpoint s" in figures else ""
            lines.append(
                f"| {result['rows']:,} | {result['keys']} | {way} | {figures['lookup s']:.3f} | "
                f"{figures['delete and insert s']:.3f} | {figures['commit s']:.3f} | {figures['checkpoint s']:.3f} | "
                f"{figures['night total s']:.3f} | {build_cell} | {figures['file MiB']:.0f} |"
            )
        lines.append(
            f"| {result['rows']:,} | {result['keys']} | scan of rows kept in key order | {scan['ordered lookup s']:.3f} | | | | | | |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="500000,5000000", help="comma-separated table sizes")
    parser.add_argument("--keys", type=int, default=700, help="keys looked up, deleted and inserted again")
    parser.add_argument("--repeat", type=int, default=5, help="rounds; the median of each figure is reported")
    parser.add_argument("--work", type=Path, default=Path("/tmp/oversight-key-lookup"))
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    options = parser.parse_args(argv)
    options.work.mkdir(parents=True, exist_ok=True)
    command = ".venv/bin/python benchmarks/key_lookup.py " + " ".join(sys.argv[1:] if argv is None else argv)
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    results = [measure(int(rows), options.keys, options.repeat, options.work) for rows in options.rows.split(",")]
    report = {
        "command": command,
        "started": started,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": machine(),
        "versions": versions("duckdb"),
        "results": results,
    }
    options.results.mkdir(parents=True, exist_ok=True)
    (options.results / "key_lookup.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    (options.results / "key_lookup.md").write_text(markdown(results, command), encoding="utf-8")
    print(markdown(results, command), flush=True)


if __name__ == "__main__":
    main()
