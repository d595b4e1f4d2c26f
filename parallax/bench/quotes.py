"""Quote stage speed: extraction beside a parse-only floor and textacy on the same parses, and
statement alignment (embed + align).

Extraction is spaCy's parse plus our rules, so the parse alone is the floor; textacy's direct
quotation extractor over the same parses is the peer. Both baselines run in the same process on
the same articles, seconds apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from typing import Any

from rich.table import Table

from parallax.bench import Timing, timed


def bench_quotes(bodies: Sequence[str]) -> tuple[list[Timing], int, Timing]:
    """(extraction timings: parse floor, textacy, parallax), quotes found, alignment timing."""
    from parallax.nlp.annotate import load_nlp
    from parallax.statements.align import QuoteItem, align
    from parallax.statements.quotes import extract_many

    nlp = load_nlp()
    list(nlp.pipe(bodies[:5]))  # warm up: model load is not throughput
    docs: list[Any] = []
    floor = timed(
        "spaCy parse only (the floor)",
        len(bodies),
        lambda: docs.extend(nlp.pipe(bodies, batch_size=32)),
    )
    timings = [floor]
    try:
        from textacy.extract.triples import direct_quotations

        def textacy_run() -> None:
            for doc in nlp.pipe(bodies, batch_size=32):
                # textacy gives up on a text with an odd number of quote marks
                with suppress(ValueError):
                    list(direct_quotations(doc))

        timings.append(timed("spaCy parse + textacy direct_quotations", len(bodies), textacy_run))
    except ImportError:  # textacy is a dev dependency; the rows that need it are skipped
        pass
    items = [(f"a{i}", body) for i, body in enumerate(bodies)]
    found: list[list[Any]] = []
    timings.append(
        timed(
            "parallax extract_many (parse + rules)",
            len(bodies),
            lambda: found.extend(extract_many(items)),
        )
    )
    quotes = [q for qs in found for q in qs]

    def statements() -> None:
        from parallax.nlp.embeddings import load_embedder
        from parallax.statements.stage import quote_vectors

        rows = quote_vectors(load_embedder(), [(q.quote_id, q.kind, q.text) for q in quotes])
        align(
            [
                QuoteItem(
                    q.quote_id,
                    q.article_id,
                    q.kind,
                    q.text,
                    q.speaker.entity_id,
                    None,
                    None,
                    q.start,
                    rows[q.quote_id][0],
                    end=q.end,
                    pieces=rows[q.quote_id][1:],
                )
                for q in quotes
            ]
        )

    return timings, len(quotes), timed("embed + align into statements", len(quotes), statements)


def quotes_table(bodies: Sequence[str]) -> Table:
    """The quote-stage speed table (first row is the baseline)."""
    timings, n_quotes, aligned = bench_quotes(bodies)
    table = Table(
        title=f"Quote stage, AllSides corpus ({len(bodies)} articles; first row is the baseline)"
    )
    for column in ("run", "articles/s", "quotes/s", "seconds", "ratio to baseline"):
        table.add_column(column, justify="left" if column == "run" else "right")
    base = timings[0].per_second
    for t in timings:
        is_ours = t.name.startswith("parallax")
        table.add_row(
            t.name,
            f"{t.per_second:.1f}",
            f"{n_quotes / t.seconds:.1f}" if is_ours and t.seconds else "-",
            f"{t.seconds:.2f}",
            f"{t.per_second / base:.2f}x",
        )
    table.add_row(
        aligned.name,
        f"{len(bodies) / aligned.seconds:.1f}" if aligned.seconds else "-",
        f"{aligned.per_second:.1f}",
        f"{aligned.seconds:.2f}",
        "-",
    )
    return table
