"""Time import, export and search on a large journal, and show that memory stays flat.

    python -m benchmarks.archive [ENTRIES]   (default 50,000: about ten years of daily use)

It writes a JSON export of that many generated entries, imports it into an
empty journal, exports it again and searches it, printing the time and the
peak memory (RSS) after each step. Files go to benchmarks/.work/.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

WORDS = [
    "boundaries",
    "hope",
    "trust",
    "listened",
    "silence",
    "advice",
    "choice",
    "pace",
    "worry",
    "relapse",
    "family",
    "work",
    "sleep",
    "meeting",
    "group",
    "phone",
    "story",
    "recovery",
    "strength",
    "plan",
    "support",
    "breath",
]
SLUGS = ("empowerment", "mutual-respect", "empathy", "emotional-safety", "open-mind", "hope")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def write_export(path: Path, count: int) -> None:
    rng = random.Random(7)
    start = datetime(2016, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"format": "peerjournal", "format_version": 1, "exported_at": "x",')
        out.write(' "schema_version": 3, "entries": [\n')
        for i in range(count):
            moment = start + timedelta(minutes=97 * i)
            entry = {
                "uid": uuid.UUID(int=rng.getrandbits(128)).hex,
                "occurred_at": moment.isoformat(),
                "utc_offset": 60,
                "local_date": (moment + timedelta(hours=1)).date().isoformat(),
                "logged_at": moment.isoformat(),
                "edited_at": None,
                "mode": "phone",
                "minutes": rng.randint(5, 60),
                "peer": "R.",
                "what_happened": sentence(rng, 40),
                "so_what": sentence(rng, 20),
                "now_what": sentence(rng, 10),
                "feeling": rng.randint(1, 5),
                "shared": False,
                "ratings": [
                    {"slug": s, "name": s.title(), "score": rng.randint(1, 5), "note": None}
                    for s in SLUGS
                ],
                "tags": ["warmline"],
                "edits": [],
            }
            out.write(("," if i else "") + json.dumps(entry) + "\n")
        out.write('], "intentions": []}\n')


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    work = Path(__file__).with_name(".work")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    os.environ["PEERJOURNAL_HOME"] = str(work)
    from peerjournal import db, exporting, importing
    from peerjournal.journal import open_journal
    from peerjournal.queries import open_reader

    source = work / "big.json"
    write_export(source, count)
    print(f"{count} entries, {source.stat().st_size / 1e6:.1f} MB of JSON; {peak_mb():.0f} MB")

    began = time.perf_counter()
    with open_journal() as journal:
        report = importing.import_file(journal, source)
    took = time.perf_counter() - began
    print(f"import: {report.added} added in {took:.1f} s; peak {peak_mb():.0f} MB")

    began = time.perf_counter()
    with (
        (work / "again.json").open("w", encoding="utf-8") as out,
        open_reader(db.locate()) as reader,
    ):
        exporting.export_json(reader, out)
    took = time.perf_counter() - began
    print(f"export json: {took:.1f} s; peak {peak_mb():.0f} MB")

    began = time.perf_counter()
    with Path(os.devnull).open("w", encoding="utf-8") as out, open_reader(db.locate()) as reader:
        exporting.export_csv(reader, out, guide_order=SLUGS)
    print(f"export csv: {time.perf_counter() - began:.1f} s; peak {peak_mb():.0f} MB")

    for query in ("boundaries", '"hope trust"', "reco*"):
        began = time.perf_counter()
        with open_reader(db.locate()) as reader:
            hits = reader.search(query)
        ms = (time.perf_counter() - began) * 1000
        print(f"search {query}: {len(hits)} shown in {ms:.0f} ms")


if __name__ == "__main__":
    main()
