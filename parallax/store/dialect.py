"""SQLite SQL, as the store writes it, translated mechanically into PostgreSQL.

The store keeps one copy of its SQL, in SQLite's dialect (`schema.MIGRATIONS` and the query
mixins). The PostgreSQL store runs that same text through `translate_script` (migrations) and
`translate_query` (everything else), so a new migration or query needs no hand-written twin as
long as it stays inside what is translated here:

- placeholders ``?`` and ``:name`` become ``%s`` and ``%(name)s``; a literal ``%`` is doubled;
- ``INSERT OR IGNORE`` becomes ``ON CONFLICT DO NOTHING``; ``INSERT OR REPLACE`` / ``REPLACE``
  becomes ``ON CONFLICT (primary key) DO UPDATE`` of the other inserted columns;
- bare columns inside ``ON CONFLICT ... DO UPDATE SET`` are qualified with the table name
  (PostgreSQL calls them ambiguous next to ``excluded``);
- ``end`` and ``user`` used as column names are quoted; ``max(a, b)``/``min(a, b)`` become
  ``greatest``/``least``; ``ifnull`` -> ``coalesce``; ``instr`` -> ``strpos``;
  ``group_concat`` -> ``string_agg``; ``LIKE`` -> ``ILIKE`` (SQLite's LIKE ignores ASCII case);
  ``x IN ()`` -> an empty subquery; ``LIMIT -1`` / a negative bound limit -> no limit;
  ``IS ?`` -> ``IS NOT DISTINCT FROM``;
- every ``ORDER BY`` term gets SQLite's null order (``NULLS FIRST`` ascending, ``NULLS LAST``
  descending);
- in DDL: INTEGER -> BIGINT (``INTEGER PRIMARY KEY`` -> an identity column), REAL -> DOUBLE
  PRECISION, BLOB -> BYTEA, TEXT -> TEXT COLLATE "C" (SQLite's byte-order comparison, so sorts
  and ``>`` scans agree), foreign keys DEFERRABLE (SQLite's ``defer_foreign_keys``);
- ``CREATE TRIGGER ... BEGIN ... END`` becomes a PL/pgSQL function plus a row trigger;
  ``CREATE VIRTUAL TABLE ... USING fts5(...)`` becomes a table with a generated ``tsvector``
  column and a GIN index (searched by the PostgreSQL store's own ``search_articles``);
- ``PRAGMA`` is ignored.

Anything else (``MATCH``, ``rowid``, ``json_*``, date functions, ``GLOB``, bare non-aggregated
columns in a grouped query) is not translated: such a query needs a dialect hook in its mixin.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

#: The column the translated FTS5 table keeps its search document in.
SEARCH_DOCUMENT = "search_document"
#: The text search configuration of translated FTS5 tables: lower-cased words, no stemming,
#: like FTS5's unicode61 tokenizer.
SEARCH_CONFIG = "simple"
#: Characters of each indexed column fed to ``to_tsvector`` (a tsvector is capped at 1 MB).
SEARCH_CHARS = 250_000

_TOKEN = re.compile(
    r"""
     (?P<ws>\s+)
    |(?P<comment>--[^\n]*|/\*.*?\*/)
    |(?P<str>'(?:[^']|'')*')
    |(?P<qid>"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\])
    |(?P<param>\?\d*|[:@$][A-Za-z_][A-Za-z0-9_]*)
    |(?P<num>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)
    |(?P<word>[A-Za-z_][A-Za-z0-9_$]*)
    |(?P<op>\|\||<=|>=|<>|!=|==|<<|>>|.)
    """,
    re.X | re.S,
)

#: Words PostgreSQL reserves that SQLite lets a column be called.
_QUOTED_NAMES = frozenset({"end", "user"})
_ORDER_STOP = frozenset(
    {"limit", "offset", "fetch", "union", "except", "intersect", "rows", "range", "groups",
     "window", "for", "returning", "on"}
)
_TYPES = {
    "integer": "BIGINT", "int": "BIGINT", "bigint": "BIGINT", "smallint": "BIGINT",
    "tinyint": "BIGINT", "mediumint": "BIGINT", "int8": "BIGINT", "int2": "BIGINT",
    "real": "DOUBLE PRECISION", "double": "DOUBLE PRECISION", "float": "DOUBLE PRECISION",
    "blob": "BYTEA", "text": 'TEXT COLLATE "C"', "clob": 'TEXT COLLATE "C"',
    "varchar": 'TEXT COLLATE "C"', "char": 'TEXT COLLATE "C"', "character": 'TEXT COLLATE "C"',
    "nvarchar": 'TEXT COLLATE "C"', "numeric": "NUMERIC", "decimal": "NUMERIC",
    "boolean": "BOOLEAN", "date": 'TEXT COLLATE "C"', "datetime": 'TEXT COLLATE "C"',
}
_CAST_TYPES = {"integer": "BIGINT", "int": "BIGINT", "real": "DOUBLE PRECISION",
               "float": "DOUBLE PRECISION", "blob": "BYTEA", "text": "TEXT",
               "numeric": "NUMERIC"}
_TABLE_CONSTRAINTS = frozenset({"primary", "unique", "check", "foreign", "constraint"})
_COLUMN_CONSTRAINTS = frozenset(
    {"primary", "not", "null", "unique", "check", "default", "collate", "references",
     "generated", "as", "constraint"}
)
_FK_ACTIONS = frozenset({"cascade", "restrict", "no", "action", "set", "null", "default"})


class UnsupportedSQL(ValueError):
    """SQLite SQL that has no mechanical PostgreSQL translation."""


class Catalog(Protocol):
    """What the translation needs to know about the live PostgreSQL schema."""

    def columns(self, table: str) -> Sequence[str]:
        """Column names of a table, in order (empty when there is no such table)."""
        ...

    def primary_key(self, table: str) -> Sequence[str]:
        """The primary key columns of a table."""
        ...

    def trigger_table(self, trigger: str) -> str | None:
        """The table a trigger is defined on."""
        ...


@dataclass(frozen=True)
class Tok:
    """One lexical token: its kind (a group name of `_TOKEN`) and its text."""

    kind: str
    text: str

    @property
    def low(self) -> str:
        """The text lower-cased (keywords and names compare case-insensitively)."""
        return self.text.lower()

    def is_word(self, *words: str) -> bool:
        """True when this is one of these (lower-case) words."""
        return self.kind == "word" and self.low in words


@dataclass(frozen=True)
class Translated:
    """One PostgreSQL statement; ``returning`` names the identity column it returns, if any."""

    sql: str
    returning: str | None = None


def tokenize(sql: str) -> list[Tok]:
    """Split SQL into tokens; the concatenation of their texts is ``sql``."""
    return [Tok(m.lastgroup or "op", m.group()) for m in _TOKEN.finditer(sql)]


def _text(tokens: Sequence[Tok]) -> str:
    return "".join(t.text for t in tokens)


def _sig(tokens: Sequence[Tok]) -> list[int]:
    """Indices of the tokens that are not whitespace or comments."""
    return [i for i, t in enumerate(tokens) if t.kind not in ("ws", "comment")]


def split_statements(sql: str) -> list[list[Tok]]:
    """Statements of a script, split on ``;`` outside strings and trigger bodies."""
    statements: list[list[Tok]] = []
    current: list[Tok] = []
    words: list[str] = []
    depth = 0
    for tok in tokenize(sql):
        if tok.kind == "word":
            if len(words) < 4:
                words.append(tok.low)
            is_trigger = "trigger" in words[:4] and words[0] == "create"
            if is_trigger and tok.low in ("begin", "case"):
                depth += 1
            elif is_trigger and tok.low == "end" and depth:
                depth -= 1
        if tok.text == ";" and depth == 0:
            if _sig(current):
                statements.append(current)
            current, words = [], []
            continue
        current.append(tok)
    if _sig(current):
        statements.append(current)
    return statements


def _close_paren(tokens: Sequence[Tok], open_at: int) -> int:
    """Index of the ``)`` matching the ``(`` at ``open_at``."""
    depth = 0
    for i in range(open_at, len(tokens)):
        if tokens[i].text == "(":
            depth += 1
        elif tokens[i].text == ")":
            depth -= 1
            if depth == 0:
                return i
    raise UnsupportedSQL(f"unbalanced parentheses in: {_text(tokens)[:200]}")


def _split_top(tokens: Sequence[Tok], sep: str = ",") -> list[list[Tok]]:
    """Split a token run on ``sep`` outside parentheses."""
    parts: list[list[Tok]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        if tok.text == sep and depth == 0:
            parts.append([])
        else:
            parts[-1].append(tok)
    return parts


def _next_sig(tokens: Sequence[Tok], i: int) -> int | None:
    for j in range(i + 1, len(tokens)):
        if tokens[j].kind not in ("ws", "comment"):
            return j
    return None


def _prev_sig(tokens: Sequence[Tok], i: int) -> int | None:
    for j in range(i - 1, -1, -1):
        if tokens[j].kind not in ("ws", "comment"):
            return j
    return None


# -- expressions ------------------------------------------------------------------------------


#: Words after which an expression is expected: an ``end`` there is a column, not END.
_EXPECTS_OPERAND = frozenset(
    {"when", "then", "else", "and", "or", "not", "case", "is", "in", "like", "between",
     "select", "where", "by", "on", "set", "distinct", "as"}
)


def _ends_operand(tok: Tok | None) -> bool:
    """True when ``tok`` can end an expression (so an ``END`` after it closes a CASE)."""
    if tok is None:
        return False
    if tok.kind in ("num", "str", "qid", "param"):
        return True
    if tok.kind == "word":
        return tok.low not in _EXPECTS_OPERAND
    return tok.text == ")"


def _names_and_params(tokens: list[Tok]) -> list[Tok]:
    """Placeholders, ``%``, reserved column names, quoted identifiers and ``==``."""
    out: list[Tok] = []
    case_depth = 0
    previous: Tok | None = None
    for tok in tokens:
        if tok.kind not in ("ws", "comment"):
            before, previous = previous, tok
        if tok.kind == "param":
            if tok.text.startswith("?"):
                if len(tok.text) > 1:
                    raise UnsupportedSQL("numbered ?NNN parameters are not translated")
                out.append(Tok("param", "%s"))
            elif tok.text.startswith(":"):
                out.append(Tok("param", f"%({tok.text[1:]})s"))
            else:
                raise UnsupportedSQL(f"parameter style {tok.text!r} is not translated")
        elif tok.kind in ("str", "op") and "%" in tok.text:
            out.append(Tok(tok.kind, tok.text.replace("%", "%%")))
        elif tok.kind == "qid" and tok.text[0] in "`[":
            out.append(Tok("qid", '"' + tok.text[1:-1].replace('"', '""') + '"'))
        elif tok.text == "==":
            out.append(Tok("op", "="))
        elif tok.is_word("case"):
            case_depth += 1
            out.append(tok)
        elif tok.is_word("end") and case_depth and _ends_operand(before):
            case_depth -= 1
            out.append(tok)
        elif tok.kind == "word" and tok.low in _QUOTED_NAMES:
            out.append(Tok("qid", f'"{tok.low}"'))
        else:
            out.append(tok)
    return out


def _functions(tokens: list[Tok]) -> list[Tok]:
    """Scalar ``max``/``min``, ``ifnull``, ``instr``, ``group_concat`` and ``CAST`` types."""
    out = list(tokens)
    i = 0
    while i < len(out):
        tok = out[i]
        nxt = _next_sig(out, i)
        if tok.kind == "word" and nxt is not None and out[nxt].text == "(":
            close = _close_paren(out, nxt)
            args = _split_top(out[nxt + 1 : close])
            name = tok.low
            if name in ("max", "min") and len(args) > 1:
                out[i] = Tok("word", "greatest" if name == "max" else "least")
            elif name == "ifnull":
                out[i] = Tok("word", "coalesce")
            elif name == "instr":
                out[i] = Tok("word", "strpos")
            elif name == "group_concat":
                first = args[0]
                sig = _sig(first)
                distinct = bool(sig) and first[sig[0]].is_word("distinct")
                body = first[sig[0] + 1 :] if distinct else first
                sep = _text(args[1]) if len(args) > 1 else " ','"
                inner = tokenize(
                    ("DISTINCT " if distinct else "") + f"CAST({_text(body).strip()} AS TEXT),"
                    + sep
                )
                out[i : close + 1] = [Tok("word", "string_agg"), Tok("op", "("), *inner,
                                      Tok("op", ")")]
                continue
            elif name == "cast":
                inner_sig = [j for j in _sig(out[nxt + 1 : close])]
                if len(inner_sig) >= 2:
                    last = nxt + 1 + inner_sig[-1]
                    before = nxt + 1 + inner_sig[-2]
                    if out[before].is_word("as") and out[last].low in _CAST_TYPES:
                        out[last] = Tok("word", _CAST_TYPES[out[last].low])
        i += 1
    return out


def _empty_in_like_is(tokens: list[Tok]) -> list[Tok]:
    """``IN ()``, ``LIKE``/``GLOB``, and ``IS`` used as null-safe equality."""
    out: list[Tok] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.is_word("in"):
            j = _next_sig(tokens, i)
            k = _next_sig(tokens, j) if j is not None else None
            if j is not None and k is not None and tokens[j].text == "(" and tokens[k].text == ")":
                out.extend(tokenize("IN (SELECT NULL WHERE FALSE)"))
                i = k + 1
                continue
        if tok.is_word("like"):
            out.append(Tok("word", "ILIKE"))
            i += 1
            continue
        if tok.is_word("glob", "match", "regexp"):
            raise UnsupportedSQL(f"{tok.text.upper()} has no PostgreSQL translation here")
        if tok.is_word("is"):
            j = _next_sig(tokens, i)
            negate = j is not None and tokens[j].is_word("not")
            k = _next_sig(tokens, j) if negate and j is not None else j
            if k is not None and not tokens[k].is_word("null", "true", "false", "distinct"):
                out.append(Tok("word", "IS DISTINCT FROM" if negate else "IS NOT DISTINCT FROM"))
                out.append(Tok("ws", " "))
                i = k
                continue
        out.append(tok)
        i += 1
    return out


def _limits(tokens: list[Tok]) -> list[Tok]:
    """SQLite reads a negative LIMIT as no limit; PostgreSQL refuses it."""
    out = list(tokens)
    for i, tok in enumerate(out):
        if not tok.is_word("limit"):
            continue
        j = _next_sig(out, i)
        if j is None:
            continue
        if out[j].kind == "param":
            out[j : j + 1] = tokenize(f"nullif(greatest({out[j].text}, -1), -1)")
        elif out[j].text == "-":
            k = _next_sig(out, j)
            if k is not None and out[k].kind == "num":
                out[j : k + 1] = [Tok("word", "ALL")]
    return out


def _null_order(tokens: list[Tok]) -> list[Tok]:
    """Add SQLite's null placement to every ORDER BY term that does not state one."""
    out: list[Tok] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        j = _next_sig(tokens, i) if tok.is_word("order") else None
        if j is None or not tokens[j].is_word("by"):
            out.append(tok)
            i += 1
            continue
        out.extend(tokens[i : j + 1])
        i = j + 1
        depth = 0
        term: list[Tok] = []

        def flush(term: list[Tok]) -> None:
            sig = [t for t in term if t.kind not in ("ws", "comment")]
            if sig and not any(t.is_word("nulls") for t in sig):
                descending = sig[-1].is_word("desc")
                trail = len(term)
                while trail and term[trail - 1].kind in ("ws", "comment"):
                    trail -= 1
                term[trail:trail] = [Tok("ws", " "),
                                     Tok("word", "NULLS LAST" if descending else "NULLS FIRST")]
            out.extend(term)

        while i < n:
            t = tokens[i]
            if t.text == "(":
                depth += 1
            elif t.text == ")":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and (t.text == ";" or (t.kind == "word" and t.low in _ORDER_STOP)):
                break
            if t.text == "," and depth == 0:
                flush(term)
                out.append(t)
                term = []
            else:
                term.append(t)
            i += 1
        flush(term)
    return out


def _expression_passes(tokens: list[Tok]) -> list[Tok]:
    tokens = _functions(tokens)
    tokens = _empty_in_like_is(tokens)
    tokens = _limits(tokens)
    tokens = _null_order(tokens)
    return _names_and_params(tokens)


# -- DML --------------------------------------------------------------------------------------


def _table_name(tok: Tok) -> str:
    return tok.text[1:-1] if tok.kind == "qid" else tok.low


def _upsert(tokens: list[Tok], catalog: Catalog | None) -> list[Tok]:
    """``INSERT OR IGNORE/REPLACE``, ``REPLACE INTO``, and bare columns in ``DO UPDATE SET``."""
    sig = _sig(tokens)
    if not sig:
        return tokens
    first = tokens[sig[0]]
    action = None
    if first.is_word("insert") and len(sig) > 2 and tokens[sig[1]].is_word("or"):
        action = tokens[sig[2]].low
        if action not in ("ignore", "replace"):
            raise UnsupportedSQL(f"INSERT OR {action.upper()} is not translated")
        del tokens[sig[1] : sig[2] + 1]
    elif first.is_word("replace"):
        action = "replace"
        tokens[sig[0]] = Tok("word", "INSERT")
    sig = _sig(tokens)
    if not first.is_word("insert", "replace") or len(sig) < 3:
        return tokens
    table = _table_name(tokens[sig[2]])
    if action is not None:
        columns_at = sig[3] if len(sig) > 3 and tokens[sig[3]].text == "(" else None
        if columns_at is None:
            raise UnsupportedSQL(f"INSERT OR {action.upper()} needs a column list")
        close = _close_paren(tokens, columns_at)
        inserted = [
            _table_name(p[_sig(p)[0]]) for p in _split_top(tokens[columns_at + 1 : close])
        ]
        clause = " ON CONFLICT DO NOTHING"
        if action == "replace":
            if catalog is None:
                raise UnsupportedSQL("INSERT OR REPLACE needs the schema catalog")
            key = list(catalog.primary_key(table))
            if not key:
                raise UnsupportedSQL(f"INSERT OR REPLACE INTO {table}: no primary key")
            rest = [c for c in inserted if c not in key]
            if rest:
                sets = ", ".join(f"{c} = excluded.{c}" for c in rest)
                clause = f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets}"
        at = _returning_at(tokens)
        tokens[at:at] = tokenize(clause + (" " if at < len(tokens) else ""))
    return _qualify_update(tokens, table, catalog)


def _returning_at(tokens: Sequence[Tok]) -> int:
    """Where an ON CONFLICT clause goes: before RETURNING, or after the last token."""
    depth = 0
    for i, t in enumerate(tokens):
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        elif depth == 0 and t.is_word("returning"):
            return i
    end = len(tokens)
    while end and tokens[end - 1].kind in ("ws", "comment"):
        end -= 1
    return end


def _qualify_update(tokens: list[Tok], table: str, catalog: Catalog | None) -> list[Tok]:
    """Qualify bare column references after ``DO UPDATE SET`` with the target table."""
    start = None
    for i, t in enumerate(tokens):
        if t.is_word("update"):
            p = _prev_sig(tokens, i)
            n = _next_sig(tokens, i)
            if (p is not None and tokens[p].is_word("do")
                    and n is not None and tokens[n].is_word("set")):
                start = n + 1
                break
    if start is None:
        return tokens
    if catalog is None:
        raise UnsupportedSQL("ON CONFLICT DO UPDATE needs the schema catalog")
    columns = {c.lower() for c in catalog.columns(table)}
    depth = 0
    for i in range(start, len(tokens)):
        t = tokens[i]
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        if depth == 0 and t.is_word("returning"):
            break
        if t.kind not in ("word", "qid") or _table_name(t) not in columns:
            continue
        p, n = _prev_sig(tokens, i), _next_sig(tokens, i)
        if p is not None and tokens[p].text == ".":
            continue
        if n is not None and tokens[n].text in (".", "("):
            continue
        is_target = (
            p is not None and (tokens[p].is_word("set") or (tokens[p].text == "," and depth == 0))
            and n is not None and tokens[n].text == "="
        )
        if not is_target:
            tokens[i] = Tok("word", f"{table}.{t.text}")
    return tokens


# -- DDL --------------------------------------------------------------------------------------


def _column_def(tokens: list[Tok]) -> list[Tok]:
    """One column definition: its type, identity for INTEGER PRIMARY KEY, deferrable FKs."""
    sig = _sig(tokens)
    if len(sig) < 2:
        return tokens
    type_words: list[int] = []
    for j in sig[1:]:
        t = tokens[j]
        if t.kind != "word" or t.low in _COLUMN_CONSTRAINTS:
            break
        type_words.append(j)
    out = list(tokens)
    if type_words:
        type_name = out[type_words[0]].low
        words_after = [out[j].low for j in sig if j > type_words[-1] and out[j].kind == "word"]
        if (type_name in ("integer", "int") and words_after[:2] == ["primary", "key"]):
            out[type_words[0]] = Tok("word", "BIGINT GENERATED BY DEFAULT AS IDENTITY")
        elif type_name in _TYPES:
            out[type_words[0]] = Tok("word", _TYPES[type_name])
        # "DOUBLE PRECISION", "VARCHAR(20)": the extra words and sizes go.
        last = type_words[-1]
        n = _next_sig(out, last)
        if n is not None and out[n].text == "(":
            last = _close_paren(out, n)
        for j in range(type_words[0] + 1, last + 1):
            out[j] = Tok("ws", "")
    out = [t for t in out if not t.is_word("autoincrement")]
    return _deferrable(out)


def _deferrable(tokens: list[Tok]) -> list[Tok]:
    """Make each REFERENCES clause DEFERRABLE, as SQLite defers foreign keys to commit here."""
    out = list(tokens)
    i = 0
    while i < len(out):
        if not out[i].is_word("references"):
            i += 1
            continue
        j = _next_sig(out, i)  # table
        k = _next_sig(out, j) if j is not None else None
        end = j
        if k is not None and out[k].text == "(":
            end = _close_paren(out, k)
        # skip MATCH x and ON DELETE/UPDATE actions
        while end is not None:
            n = _next_sig(out, end)
            if n is None:
                break
            if out[n].is_word("match"):
                end = _next_sig(out, n)
            elif out[n].is_word("on"):
                m = _next_sig(out, n)
                end = m
                while end is not None:
                    a = _next_sig(out, end)
                    if a is None or not out[a].is_word(*_FK_ACTIONS):
                        break
                    end = a
            else:
                break
        n = _next_sig(out, end) if end is not None else None
        if n is not None and out[n].is_word("deferrable", "not"):
            i = n
            continue
        assert end is not None
        out[end + 1 : end + 1] = tokenize(" DEFERRABLE INITIALLY IMMEDIATE")
        i = end + 1
    return out


def _create_table(tokens: list[Tok]) -> list[Tok]:
    sig = _sig(tokens)
    open_at = next(i for i in sig if tokens[i].text == "(")
    if any(tokens[i].is_word("as") for i in sig if i < open_at):
        return tokens  # CREATE TABLE ... AS SELECT
    close = _close_paren(tokens, open_at)
    parts = _split_top(tokens[open_at + 1 : close])
    body: list[Tok] = []
    for n, part in enumerate(parts):
        psig = _sig(part)
        if psig and part[psig[0]].low in _TABLE_CONSTRAINTS:
            body.extend(_deferrable(part))
        else:
            body.extend(_column_def(part))
        if n < len(parts) - 1:
            body.append(Tok("op", ","))
    tail = [t for t in tokens[close + 1 :] if not t.is_word("without", "rowid", "strict")]
    tail = [t for t in tail if t.text != ","]
    return [*tokens[: open_at + 1], *body, tokens[close], *tail]


def _alter_table(tokens: list[Tok]) -> list[Tok]:
    sig = _sig(tokens)
    for n, i in enumerate(sig):
        if tokens[i].is_word("add"):
            start = sig[n + 1]
            if tokens[start].is_word("column"):
                start = sig[n + 2]
            return [*tokens[:start], *_column_def(tokens[start:])]
    return tokens


def _fts5(tokens: list[Tok]) -> list[str]:
    """``CREATE VIRTUAL TABLE t USING fts5(...)`` as a table with a generated tsvector."""
    sig = _sig(tokens)
    words = [tokens[i].low for i in sig]
    name = tokens[sig[words.index("table") + 1]]
    using = words.index("using")
    if words[using + 1] != "fts5":
        raise UnsupportedSQL(f"virtual table module {words[using + 1]!r} is not translated")
    open_at = sig[using + 2]
    close = _close_paren(tokens, open_at)
    columns: list[str] = []
    indexed: list[str] = []
    for part in _split_top(tokens[open_at + 1 : close]):
        psig = [part[i] for i in _sig(part)]
        if any(t.text == "=" for t in psig):
            option = psig[0].low
            if option in ("content", "content_rowid", "contentless_delete"):
                raise UnsupportedSQL(f"fts5 option {option} is not translated")
            continue
        column = psig[0].text
        columns.append(column)
        if not any(t.is_word("unindexed") for t in psig[1:]):
            indexed.append(column)
    table = name.text
    document = " || ".join(
        f"to_tsvector('{SEARCH_CONFIG}'::regconfig, left(coalesce({c}, ''), {SEARCH_CHARS}))"
        for c in indexed
    )
    statements = [
        f"CREATE TABLE {table} ("
        + ", ".join(f'{c} TEXT COLLATE "C"' for c in columns)
        + f", {SEARCH_DOCUMENT} tsvector GENERATED ALWAYS AS ({document}) STORED)",
        f"CREATE INDEX {_table_name(name)}_{SEARCH_DOCUMENT} ON {table} "
        f"USING gin ({SEARCH_DOCUMENT})",
    ]
    statements += [
        f"CREATE INDEX {_table_name(name)}_{c} ON {table} ({c})"
        for c in columns
        if c not in indexed
    ]
    return statements


def _trigger(tokens: list[Tok], catalog: Catalog | None) -> list[str]:
    """A SQLite trigger as a PL/pgSQL function and a row trigger that runs it."""
    sig = _sig(tokens)
    begin = next(i for i in sig if tokens[i].is_word("begin"))
    end = max(i for i in sig if tokens[i].is_word("end"))
    head = [t for t in tokens[:begin] if t.kind != "comment"]
    hsig = _sig(head)
    words = [head[i].low for i in hsig]
    at = words.index("trigger") + 1
    if words[at : at + 3] == ["if", "not", "exists"]:
        at += 3
    name = _table_name(head[hsig[at]])
    timing_at = hsig[at + 1]
    when_at = next((i for i in hsig if head[i].is_word("when")), None)
    each_at = next((i for i in hsig if head[i].is_word("for")), None)
    stop = min(i for i in (when_at, each_at, len(head)) if i is not None)
    event = _text(head[timing_at:stop]).strip()
    condition = (
        f" WHEN ({_text(_expression_passes(head[when_at + 1 :])).strip()})"
        if when_at is not None
        else ""
    )
    timing = head[timing_at].low
    result = "NULL" if timing == "after" else ("OLD" if "delete" in words else "NEW")
    body = []
    for statement in split_statements(_text(tokens[begin + 1 : end])):
        body.extend(translate_statement(statement, catalog))
    function = f"{name}_fn"
    program = "".join(f"    {s.sql.strip()};\n" for s in body)
    return [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS "
        f"$parallax$\nBEGIN\n{program}    RETURN {result};\nEND\n$parallax$",
        f"CREATE TRIGGER {name} {event} FOR EACH ROW{condition} EXECUTE FUNCTION {function}()",
    ]


def _drop_trigger(tokens: list[Tok], catalog: Catalog | None) -> list[str]:
    sig = _sig(tokens)
    words = [tokens[i].low for i in sig]
    if_exists = words[2:4] == ["if", "exists"]
    name = _table_name(tokens[sig[4 if if_exists else 2]])
    table = catalog.trigger_table(name) if catalog is not None else None
    if table is None:
        if if_exists:
            return []
        raise UnsupportedSQL(f"DROP TRIGGER {name}: no such trigger")
    return [f"DROP TRIGGER {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}_fn()"]


# -- entry points -----------------------------------------------------------------------------


def translate_statement(
    tokens: list[Tok], catalog: Catalog | None, identity: Callable[[str], str | None] | None = None
) -> list[Translated]:
    """One SQLite statement as zero or more PostgreSQL statements.

    ``identity(table)`` names a table's identity column; when given, a plain INSERT into such a
    table returns that column (so the store can report ``lastrowid``).
    """
    sig = _sig(tokens)
    if not sig:
        return []
    words = [tokens[i].low for i in sig[:4]]
    first = words[0]
    if first == "pragma":
        return []
    if first == "create" and "virtual" in words[:3]:
        return [Translated(s) for s in _fts5(tokens)]
    if first == "create" and "trigger" in words[:4]:
        return [Translated(s) for s in _trigger(tokens, catalog)]
    if first == "drop" and words[1] == "trigger":
        return [Translated(s) for s in _drop_trigger(tokens, catalog)]
    tokens = list(tokens)
    if first == "create" and "table" in words[:4]:
        tokens = _create_table(tokens)
    elif first == "alter" and words[1] == "table":
        tokens = _alter_table(tokens)
    elif first in ("insert", "replace"):
        tokens = _upsert(tokens, catalog)
    tokens = _expression_passes(tokens)
    returning = None
    if identity is not None and first in ("insert", "replace"):
        isig = _sig(tokens)
        table_tok = tokens[isig[2]] if len(isig) > 2 else None
        has_returning = any(t.is_word("returning") for t in tokens)
        if table_tok is not None and not has_returning:
            returning = identity(_table_name(table_tok))
            if returning is not None:
                at = _returning_at(tokens)
                tokens[at:at] = tokenize(f" RETURNING {returning}")
    return [Translated(_text(tokens).strip(), returning)]


def translate_script(script: str, catalog: Catalog | None = None) -> list[str]:
    """A SQLite script (a migration) as PostgreSQL statements, in order."""
    return [
        t.sql
        for statement in split_statements(script)
        for t in translate_statement(statement, catalog)
    ]


def translate_query(
    sql: str, catalog: Catalog | None = None, identity: Callable[[str], str | None] | None = None
) -> Translated:
    """One SQLite query or write as one PostgreSQL statement (a no-op for PRAGMA)."""
    statements = split_statements(sql)
    if len(statements) != 1:
        raise UnsupportedSQL(f"expected one statement, got {len(statements)}: {sql[:200]}")
    translated = translate_statement(statements[0], catalog, identity)
    if not translated:
        return Translated("SELECT NULL WHERE FALSE")
    if len(translated) != 1:
        raise UnsupportedSQL(f"{sql[:200]} needs several PostgreSQL statements")
    return translated[0]
