"""Database schema as an ordered list of migrations.

Migration N (1-based) moves a database from schema version N-1 to N. A migration is never edited
once released: a change is a new migration appended to the list. SQLite records the version in
``PRAGMA user_version``.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: inputs, articles, rejections, provenance, runs
    """
    CREATE TABLE inputs (
        path          TEXT NOT NULL,
        sha256        TEXT NOT NULL,
        size          INTEGER NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('partial', 'done')),
        records_done  INTEGER NOT NULL DEFAULT 0,
        articles      INTEGER NOT NULL DEFAULT 0,
        rejected      INTEGER NOT NULL DEFAULT 0,
        updated_at    TEXT NOT NULL,
        PRIMARY KEY (path, sha256)
    );

    CREATE TABLE articles (
        article_id     TEXT PRIMARY KEY,
        content_hash   TEXT NOT NULL,
        source_path    TEXT NOT NULL,
        source_record  TEXT,
        kind           TEXT NOT NULL,
        outlet         TEXT,
        outlet_key     TEXT NOT NULL DEFAULT '',
        url            TEXT,
        title          TEXT,
        subtitle       TEXT,
        author         TEXT,
        published_at   TEXT,
        language       TEXT,
        body           TEXT NOT NULL,
        source_text    TEXT NOT NULL,
        offset_map     TEXT NOT NULL,
        removed        TEXT NOT NULL,
        evidence       TEXT NOT NULL,
        ingested_at    TEXT NOT NULL,
        analyzed_at    TEXT
    );
    CREATE INDEX articles_content_hash ON articles (content_hash);
    CREATE INDEX articles_outlet_key ON articles (outlet_key);
    CREATE INDEX articles_published_at ON articles (published_at);

    CREATE TABLE rejections (
        rejection_id   INTEGER PRIMARY KEY,
        path           TEXT NOT NULL,
        record         TEXT NOT NULL DEFAULT '',
        reason         TEXT NOT NULL,
        message        TEXT NOT NULL,
        raw            BLOB NOT NULL,
        article_id     TEXT,
        created_at     TEXT NOT NULL,
        UNIQUE (path, record, reason)
    );

    CREATE TABLE provenance (
        article_id         TEXT NOT NULL REFERENCES articles (article_id),
        source_article_id  TEXT NOT NULL REFERENCES articles (article_id),
        kind               TEXT NOT NULL,
        score              REAL NOT NULL,
        PRIMARY KEY (article_id, source_article_id, kind)
    );

    CREATE TABLE runs (
        run_id        INTEGER PRIMARY KEY,
        command       TEXT NOT NULL,
        started_at    TEXT NOT NULL,
        finished_at   TEXT,
        stats         TEXT NOT NULL DEFAULT '{}'
    );
    """,
    # 2: nlp annotations, lead vectors, event features, events and stories
    """
    CREATE TABLE annotations (
        article_id  TEXT PRIMARY KEY REFERENCES articles (article_id),
        model       TEXT NOT NULL,
        sentences   TEXT NOT NULL,
        entities    TEXT NOT NULL
    );

    CREATE TABLE vectors (
        article_id  TEXT NOT NULL REFERENCES articles (article_id),
        kind        TEXT NOT NULL,
        model       TEXT NOT NULL,
        vector      BLOB NOT NULL,
        PRIMARY KEY (article_id, kind, model)
    );

    CREATE TABLE event_features (
        article_id  TEXT PRIMARY KEY REFERENCES articles (article_id),
        day         TEXT,
        actors      TEXT NOT NULL,
        places      TEXT NOT NULL,
        occasion    TEXT
    );

    CREATE TABLE stories (
        story_id    TEXT PRIMARY KEY,
        title       TEXT,
        start       TEXT,
        end         TEXT,
        events      INTEGER NOT NULL DEFAULT 0,
        updated_at  TEXT NOT NULL
    );

    CREATE TABLE events (
        event_id    TEXT PRIMARY KEY,
        story_id    TEXT REFERENCES stories (story_id),
        story_confidence REAL,
        title       TEXT,
        start       TEXT,
        end         TEXT,
        place       TEXT,
        articles    INTEGER NOT NULL DEFAULT 0,
        seq         INTEGER NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX events_story ON events (story_id);

    CREATE TABLE event_members (
        article_id  TEXT PRIMARY KEY REFERENCES articles (article_id),
        event_id    TEXT NOT NULL REFERENCES events (event_id),
        confidence  REAL NOT NULL,
        score       REAL NOT NULL,
        seq         INTEGER NOT NULL
    );
    CREATE INDEX event_members_event ON event_members (event_id);
    """,
    # 3: look provenance up from the source side too
    """
    CREATE INDEX provenance_source ON provenance (source_article_id);
    """,
    # 4: where a link or an event summary was read: the citing words of a `cites` link, and the
    # member article spans behind an event's title, place, dates and occasion
    """
    ALTER TABLE provenance ADD COLUMN start INTEGER;
    ALTER TABLE provenance ADD COLUMN end INTEGER;
    ALTER TABLE events ADD COLUMN evidence TEXT NOT NULL DEFAULT '{}';
    """,
    # 5: quotes with speakers and cues, statements (one utterance across outlets), repeats,
    # entities seen as speakers
    """
    CREATE TABLE quotes (
        quote_id              TEXT PRIMARY KEY,
        article_id            TEXT NOT NULL REFERENCES articles (article_id),
        kind                  TEXT NOT NULL CHECK (kind IN ('direct', 'partial', 'indirect')),
        start                 INTEGER NOT NULL,
        end                   INTEGER NOT NULL,
        text                  TEXT NOT NULL,
        source_start          INTEGER,
        source_end            INTEGER,
        speaker_name          TEXT,
        speaker_entity_id     TEXT,
        speaker_rule          TEXT NOT NULL,
        speaker_start         INTEGER,
        speaker_end           INTEGER,
        speaker_text          TEXT,
        speaker_source_start  INTEGER,
        speaker_source_end    INTEGER,
        cue_start             INTEGER,
        cue_end               INTEGER,
        cue_text              TEXT,
        confidence            REAL NOT NULL,
        model                 TEXT,
        vector                BLOB
    );
    CREATE INDEX quotes_article ON quotes (article_id);
    CREATE INDEX quotes_speaker ON quotes (speaker_entity_id);

    CREATE TABLE statements (
        statement_id       TEXT PRIMARY KEY,
        speaker_entity_id  TEXT,
        event_id           TEXT,
        day                TEXT,
        text               TEXT NOT NULL,
        seq                INTEGER NOT NULL,
        updated_at         TEXT NOT NULL
    );
    CREATE INDEX statements_speaker ON statements (speaker_entity_id);
    CREATE INDEX statements_event ON statements (event_id);

    CREATE TABLE statement_members (
        quote_id      TEXT PRIMARY KEY REFERENCES quotes (quote_id),
        statement_id  TEXT NOT NULL REFERENCES statements (statement_id),
        relation      TEXT NOT NULL CHECK (relation IN ('same', 'paraphrase')),
        score         REAL NOT NULL,
        seq           INTEGER NOT NULL
    );
    CREATE INDEX statement_members_statement ON statement_members (statement_id);

    CREATE TABLE statement_repeats (
        statement_id  TEXT NOT NULL REFERENCES statements (statement_id),
        other_id      TEXT NOT NULL REFERENCES statements (statement_id),
        score         REAL NOT NULL,
        PRIMARY KEY (statement_id, other_id)
    );
    CREATE INDEX statement_repeats_other ON statement_repeats (other_id);

    CREATE TABLE speaker_entities (
        entity_id  TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        type       TEXT
    );
    """,
    # 6: full-text search over article titles and bodies. The index keeps its own copy of the
    # text keyed by article id (not an external-content table keyed by rowid, which VACUUM may
    # renumber); triggers keep it in step with every insert, update and delete of an article.
    """
    CREATE VIRTUAL TABLE article_search USING fts5(
        article_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2'
    );
    INSERT INTO article_search (article_id, title, body)
        SELECT article_id, coalesce(title, ''), body FROM articles;
    CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
        INSERT INTO article_search (article_id, title, body)
        VALUES (new.article_id, coalesce(new.title, ''), new.body);
    END;
    CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
        DELETE FROM article_search WHERE article_id = old.article_id;
    END;
    CREATE TRIGGER article_search_update AFTER UPDATE OF article_id, title, body ON articles
    BEGIN
        DELETE FROM article_search WHERE article_id = old.article_id;
        INSERT INTO article_search (article_id, title, body)
        VALUES (new.article_id, coalesce(new.title, ''), new.body);
    END;
    """,
    # 7: how outlets tell it: framing cues, labels, tone toward entities, and actors' positions
    """
    CREATE TABLE framing_cues (
        article_id        TEXT NOT NULL REFERENCES articles (article_id),
        kind              TEXT NOT NULL,
        start             INTEGER NOT NULL,
        end               INTEGER NOT NULL,
        text              TEXT NOT NULL,
        lemma             TEXT NOT NULL,
        value             TEXT NOT NULL,
        target_entity_id  TEXT,
        score             REAL NOT NULL,
        PRIMARY KEY (article_id, kind, start, end)
    );
    CREATE INDEX framing_cues_target ON framing_cues (target_entity_id);

    CREATE TABLE labels (
        article_id  TEXT NOT NULL REFERENCES articles (article_id),
        entity_id   TEXT NOT NULL,
        kind        TEXT NOT NULL,
        start       INTEGER NOT NULL,
        end         INTEGER NOT NULL,
        surface     TEXT NOT NULL,
        score       REAL NOT NULL,
        PRIMARY KEY (article_id, start, end, entity_id)
    );
    CREATE INDEX labels_entity ON labels (entity_id);

    CREATE TABLE tones (
        article_id        TEXT NOT NULL REFERENCES articles (article_id),
        target_entity_id  TEXT NOT NULL,
        label             TEXT NOT NULL,
        score             REAL NOT NULL,
        start             INTEGER NOT NULL,
        end               INTEGER NOT NULL,
        target_start      INTEGER NOT NULL,
        target_end        INTEGER NOT NULL,
        target_text       TEXT NOT NULL,
        PRIMARY KEY (article_id, target_entity_id, start)
    );
    CREATE INDEX tones_target ON tones (target_entity_id);

    CREATE TABLE statement_stances (
        statement_id  TEXT NOT NULL,
        text          TEXT NOT NULL,
        topic         TEXT NOT NULL,
        lemma         TEXT NOT NULL,
        stance        TEXT NOT NULL,
        PRIMARY KEY (statement_id, topic)
    );

    CREATE TABLE position_changes (
        actor_entity_id    TEXT NOT NULL,
        topic              TEXT NOT NULL,
        kind               TEXT NOT NULL,
        before_article_id  TEXT NOT NULL,
        before_quote_id    TEXT NOT NULL,
        before_start       INTEGER NOT NULL,
        before_end         INTEGER NOT NULL,
        before_day         TEXT,
        after_article_id   TEXT NOT NULL,
        after_quote_id     TEXT NOT NULL,
        after_start        INTEGER NOT NULL,
        after_end          INTEGER NOT NULL,
        after_day          TEXT,
        score              REAL NOT NULL,
        PRIMARY KEY (actor_entity_id, topic, kind, before_quote_id, after_quote_id)
    );
    """,
    # 8: the orders the paged exports read statements and events in (parallax.store.iterators),
    # so each page starts where the last ended instead of sorting the whole table again.
    """
    CREATE INDEX statements_order ON statements (day, seq, statement_id);
    CREATE INDEX events_order ON events (start, seq, event_id);
    """,
    # 9: the largest decision number, read for every statement a round founds (`next_seq`,
    # `decisions_mark`), from an index instead of a scan of the whole table.
    """
    CREATE INDEX events_seq ON events (seq);
    CREATE INDEX event_members_seq ON event_members (seq);
    CREATE INDEX statements_seq ON statements (seq);
    CREATE INDEX statement_members_seq ON statement_members (seq);
    """,
    # 10: the LSH band keys of each article's MinHash signature (near duplicates), so that a
    # round hashes only its new articles and finds their candidates by lookup, instead of
    # reading and hashing every stored body. ``scheme`` names the signature and banding; band
    # -1 marks an article too short to have bands.
    """
    CREATE TABLE article_bands (
        scheme      TEXT NOT NULL,
        band        INTEGER NOT NULL,
        key         INTEGER NOT NULL,
        article_id  TEXT NOT NULL,
        PRIMARY KEY (scheme, band, key, article_id)
    );
    CREATE INDEX article_bands_article ON article_bands (article_id, scheme);
    """,
    # 11: each event's members' features folded together, as the event clusterer holds them
    # (`parallax.events.cluster.EventGroup`), kept as the event grows, so that a process reads
    # one row per event instead of the features of every member article. ``members`` and
    # ``last_seq`` (the decision number of the last membership folded in) tell a current row
    # from a stale one, which is rebuilt from the members' features.
    """
    CREATE TABLE event_aggregates (
        event_id    TEXT PRIMARY KEY REFERENCES events (event_id),
        model       TEXT NOT NULL,
        members     INTEGER NOT NULL,
        last_seq    INTEGER NOT NULL,
        vector_sum  BLOB NOT NULL,
        actors      TEXT NOT NULL,
        places      TEXT NOT NULL,
        days        TEXT NOT NULL,
        occasions   TEXT NOT NULL
    );
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)
