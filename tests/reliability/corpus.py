"""A generated news corpus for the crash and concurrency tests: events covered by several
outlets, in every input format, with some wire copy and some bad inputs. Deterministic."""

from __future__ import annotations

import json
import random
from pathlib import Path

CITIES = ["Lyon", "Porto", "Gdansk", "Tampere", "Cork", "Brno", "Graz", "Malmo", "Ghent", "Turin",
          "Split", "Bergen"]
TOPICS = [
    ("the new tram line", "transport"), ("the flood barrier", "flood defences"),
    ("the hospital merger", "health care"), ("the school budget", "education"),
    ("the harbour expansion", "the port"), ("the housing plan", "rents"),
]
PEOPLE = ["Anna Berg", "Marco Ricci", "Lena Novak", "Tomas Kral", "Sara Lindqvist", "Paul Meyer",
          "Eva Horvat", "Jonas Weber"]
OUTLETS = ["Daily Ledger", "Evening Post", "Metro Herald", "The Courier", "Northern Times",
           "Radio Capital"]


def _article(rng: random.Random, city: str, topic: str, theme: str, person: str,
             outlet: str, day: int) -> dict[str, str]:
    verb = rng.choice(["approved", "backed", "voted through", "endorsed"])
    votes = rng.randint(20, 40)
    sentences = [
        f"The city council of {city} {verb} {topic} on Tuesday after a long debate.",
        f"Mayor {person} said the decision would shape {theme} for a decade.",
        f'"This is a good day for {city}," {person} told reporters outside the chamber.',
        f"The measure passed with {votes} votes in favour and {rng.randint(1, 19)} against.",
        f"Opposition members warned that the cost of {topic} could rise further.",
        f"Work is expected to begin in the spring, officials in {city} said.",
    ]
    rng.shuffle(sentences[3:])
    title = f"{city} council {verb} {topic}"
    return {
        "title": title,
        "outlet": outlet,
        "author": rng.choice(["Kim Ahn", "Ola Nordmann", "Ruth Cole", "Ivan Petrov"]),
        "published_at": f"2025-03-{day:02d}T{rng.randint(6, 20):02d}:00:00+00:00",
        "url": f"https://{outlet.lower().replace(' ', '')}.example/{city.lower()}-{day}",
        "text": "\n\n".join(sentences),
    }


def make_corpus(root: Path, events: int = 12, seed: int = 7) -> dict[str, int]:
    """Write the corpus under ``root``; returns how many files and article records it wrote."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    records: list[dict[str, str]] = []
    for e in range(events):
        city, (topic, theme) = CITIES[e % len(CITIES)], TOPICS[e % len(TOPICS)]
        person = PEOPLE[e % len(PEOPLE)]
        for outlet in rng.sample(OUTLETS, rng.randint(4, 6)):
            records.append(_article(rng, city, topic, theme, person, outlet, 1 + e))
    # Wire copy: the same body again under another outlet (a provenance link, not a duplicate).
    for rec in records[:: 9]:
        records.append({**rec, "outlet": "Wire Service", "url": rec["url"] + "-wire"})
    texts, rest = records[: len(records) // 2], records[len(records) // 2 :]
    for i, rec in enumerate(texts):
        body = f"{rec['title']}\n\nBy {rec['author']}\n\n{rec['text']}\n\nShare this article\n"
        (root / f"t{i:03d}.txt").write_text(body, encoding="utf-8")
    jsonl, json_list, html = rest[: len(rest) // 2], rest[len(rest) // 2 : -2], rest[-2:]
    with (root / "feed.jsonl").open("w", encoding="utf-8") as fh:
        for n, rec in enumerate(jsonl):
            fh.write(json.dumps(rec) + "\n")
            if n == 3:
                fh.write('{"title": "broken line", "text": \n')  # a malformed record
    (root / "batch.json").write_text(json.dumps({"articles": json_list}), encoding="utf-8")
    for i, rec in enumerate(html):
        paras = "".join(f"<p>{p}</p>" for p in rec["text"].split("\n\n"))
        (root / f"page{i}.html").write_text(
            f"<html><head><title>{rec['title']}</title><meta name='author' "
            f"content='{rec['author']}'></head><body><article><h1>{rec['title']}</h1>{paras}"
            "</article></body></html>",
            encoding="utf-8",
        )
    (root / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (root / "empty.txt").write_bytes(b"")
    return {"files": len(list(root.iterdir())), "records": len(records)}
