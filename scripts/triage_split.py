"""Add a batch of newly written labelled texts to the triage development data, split.

    python scripts/triage_split.py BATCH.jsonl [...]

Each file is checked (fields, the labels' codes, varieties, ids not used before); nothing is
written unless every file passes. Of each batch (an id's prefix before "-") and variety, the
items sorted by the SHA-256 of their id are cut: the first quarter (rounded) goes to
data/triage/test.jsonl, the rest to data/triage/train.jsonl. An item never changes sides later.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from insaf.triage.labels import Category, Kind, Vulnerable  # noqa: E402

DATA = ROOT / "data" / "triage"
VARIETIES = {
    "msa": "ar",
    "egyptian": "ar",
    "gulf": "ar",
    "levantine": "ar",
    "iraqi": "ar",
    "maghrebi": "ar",
    "yemeni": "ar",
    "arabizi": "ar",
    "en": "en",
    "fr": "fr",
}
FIELDS = ("id", "text", "lang", "variety", "kind", "category", "grave", "vulnerable", "note")
Item = dict[str, object]


def check(path: Path, used: set[str]) -> list[Item]:
    """The items of one batch file; SystemExit naming the file and line on the first problem."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}, line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise SystemExit(f"{where}: not JSON ({error})") from None
        missing = [f for f in FIELDS if f not in item]
        problems = [f"missing {', '.join(missing)}"] if missing else []
        if not missing:
            if not isinstance(item["text"], str) or not item["text"].strip():
                problems.append("no text")
            if VARIETIES.get(item["variety"]) != item["lang"]:
                problems.append(f"variety {item['variety']!r} with lang {item['lang']!r}")
            if item["kind"] not in Kind.values:
                problems.append(f"kind {item['kind']!r}")
            if item["category"] not in Category.values:
                problems.append(f"category {item['category']!r}")
            if not isinstance(item["grave"], bool):
                problems.append("grave is not true or false")
            if not set(item["vulnerable"]) <= set(Vulnerable.values):
                problems.append(f"vulnerable {item['vulnerable']!r}")
            if item["id"] in used:
                problems.append(f"id {item['id']!r} used before")
        if problems:
            raise SystemExit(f"{where}: {'; '.join(problems)}")
        used.add(item["id"])
        items.append(item)
    return items


def split(items: list[Item]) -> tuple[list[Item], list[Item]]:
    """(train, test): per batch and variety, the first quarter by SHA-256 of the id to test."""
    groups: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in items:
        groups[(str(item["id"]).split("-")[0], str(item["variety"]))].append(item)
    train, test = [], []
    for group in groups.values():
        group.sort(key=lambda item: hashlib.sha256(str(item["id"]).encode()).hexdigest())
        cut = round(len(group) / 4)
        test += group[:cut]
        train += group[cut:]
    return train, test


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    options = parser.parse_args()
    used = {
        json.loads(line)["id"]
        for name in ("train.jsonl", "test.jsonl")
        for line in (DATA / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    items = [item for path in options.files for item in check(path, used)]
    train, test = split(items)
    order = {item["id"]: n for n, item in enumerate(items)}
    for name, part in (("train.jsonl", train), ("test.jsonl", test)):
        part.sort(key=lambda item: order[item["id"]])
        with (DATA / name).open("a", encoding="utf-8") as out:
            for item in part:
                out.write(json.dumps({f: item[f] for f in FIELDS}, ensure_ascii=False) + "\n")
    print(f"{len(items)} items: {len(train)} to train.jsonl, {len(test)} to test.jsonl")


if __name__ == "__main__":
    main()
