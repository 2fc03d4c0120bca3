"""PostgreSQL statement-level triggers keeping the dashboard's counts exact.

Statement-level (transition tables) so a bulk insert of eleven answers, or a COPY of millions,
costs one upsert per table and statement, not one per row. Rows are upserted in key order so
that two concurrent submits lock counter rows in the same order and cannot deadlock.

Each delta is summed into several tables of different grain (dashboard.models): the dashboard
reads the coarsest one that still has the dimensions it rolls up by.
"""

from __future__ import annotations

LEVELS = ", ".join(f"n{k}" for k in (1, 2, 3, 4, 5))
ANSWER_KEY = "campaign_id, unit_id, respondent_group_id, channel, question_id"
RESPONSE_KEY = "campaign_id, unit_id, respondent_group_id, channel, answered_on"
# table -> the key it counts by (a subset of the delta's columns)
ANSWER_TABLES = {
    "dashboard_answercount": ANSWER_KEY,
    "dashboard_unitanswercount": "campaign_id, unit_id, question_id",
}
RESPONSE_TABLES = {
    "dashboard_responsecount": "campaign_id, unit_id, respondent_group_id, channel",
    "dashboard_daycount": "campaign_id, unit_id, answered_on",
}
FINEST_ANSWERS = {"dashboard_answercount": ANSWER_KEY}  # the rest is summed from it


def _answer_upsert(delta_sql: str, tables: dict[str, str]) -> str:
    """delta_sql yields (campaign_id, unit_id, respondent_group_id, channel, question_id,
    score, sign) rows; one upsert per table."""
    counts = ", ".join(
        f"coalesce(sum(sign) FILTER (WHERE score = {k}), 0)" for k in (1, 2, 3, 4, 5)
    )
    updates = ", ".join(f"n{k} = c.n{k} + EXCLUDED.n{k}" for k in (1, 2, 3, 4, 5))
    return "".join(
        f"""
    INSERT INTO {table} AS c ({key}, {LEVELS}, n_null)
    SELECT {key}, {counts},
           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)
    FROM ({delta_sql}) AS delta
    GROUP BY {key} ORDER BY {key}
    ON CONFLICT ({key}) DO UPDATE SET {updates}, n_null = c.n_null + EXCLUDED.n_null;
    """
        for table, key in tables.items()
    )


def _coarser_answer_rebuild() -> str:
    """The per-unit counts summed from the finest ones (exact, and far fewer rows to read than
    the raw answers)."""
    table, key = "dashboard_unitanswercount", ANSWER_TABLES["dashboard_unitanswercount"]
    sums = ", ".join(f"sum(n{k})" for k in (1, 2, 3, 4, 5))
    return f"""
    INSERT INTO {table} ({key}, {LEVELS}, n_null)
    SELECT {key}, {sums}, sum(n_null) FROM dashboard_answercount GROUP BY {key};
    """


def _response_upsert(delta_sql: str, tables: dict[str, str]) -> str:
    """delta_sql yields (RESPONSE_KEY…, sign) rows; one upsert per table."""
    return "".join(
        f"""
    INSERT INTO {table} AS c ({key}, responses)
    SELECT {key}, sum(sign) FROM ({delta_sql}) AS delta
    GROUP BY {key} ORDER BY {key}
    ON CONFLICT ({key}) DO UPDATE SET responses = c.responses + EXCLUDED.responses;
    """
        for table, key in tables.items()
    )


def _answers_of(table: str, sign: int) -> str:
    return f"""SELECT r.campaign_id, r.unit_id, r.respondent_group_id, r.channel, a.question_id,
                      a.score, {sign} AS sign
               FROM {table} a JOIN surveys_response r ON r.id = a.response_id"""


def _answers_already_there(table: str, sign: int) -> str:
    """Answers of the inserted/deleted responses that are in the table at that moment.

    Django writes a response before its answers and deletes the answers first, so this is
    usually empty; it keeps the counts right when SQL does it the other way round (foreign keys
    are checked at commit), the answer trigger then finding no response to join.
    """
    return f"""SELECT o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, a.question_id,
                      a.score, {sign} AS sign
               FROM {table} o JOIN surveys_answer a ON a.response_id = o.id"""


def _responses_of(table: str, sign: int) -> str:
    return f"SELECT {RESPONSE_KEY}, {sign} AS sign FROM {table}"


# A response moved to another slice (an audited correction of unit, group or channel).
_MOVED = """FROM old_rows o JOIN new_rows n ON n.id = o.id
    JOIN surveys_answer a ON a.response_id = n.id
    WHERE (o.campaign_id, o.unit_id, o.respondent_group_id, o.channel)
          IS DISTINCT FROM (n.campaign_id, n.unit_id, n.respondent_group_id, n.channel)"""
_RESPONSE_MOVED = f"""
    SELECT o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, a.question_id,
           a.score, -1 AS sign {_MOVED}
    UNION ALL
    SELECT n.campaign_id, n.unit_id, n.respondent_group_id, n.channel, a.question_id,
           a.score, 1 AS sign {_MOVED}"""
# Only rows whose count key changed: a triage mark on a comment touches no counter.
_REKEYED = """FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, o.answered_on)
          IS DISTINCT FROM (n.campaign_id, n.unit_id, n.respondent_group_id, n.channel,
                            n.answered_on)"""
_RESPONSE_REKEYED = f"""
    SELECT o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, o.answered_on,
           -1 AS sign {_REKEYED}
    UNION ALL
    SELECT n.campaign_id, n.unit_id, n.respondent_group_id, n.channel, n.answered_on,
           1 AS sign {_REKEYED}"""

def functions(
    answers: dict[str, str] = ANSWER_TABLES, responses: dict[str, str] = RESPONSE_TABLES
) -> dict[str, tuple[str, str, str]]:
    """name: (table, event, body) of each trigger function, counting into the tables given
    (bench/triggers.py times a smaller set)."""
    return {
        "dashboard_answer_ins": (
            "surveys_answer",
            "INSERT",
            _answer_upsert(_answers_of("new_rows", 1), answers),
        ),
        "dashboard_answer_del": (
            "surveys_answer",
            "DELETE",
            _answer_upsert(_answers_of("old_rows", -1), answers),
        ),
        "dashboard_answer_upd": (
            "surveys_answer",
            "UPDATE",
            _answer_upsert(
                _answers_of("old_rows", -1) + " UNION ALL " + _answers_of("new_rows", 1), answers
            ),
        ),
        "dashboard_response_ins": (
            "surveys_response",
            "INSERT",
            _response_upsert(_responses_of("new_rows", 1), responses)
            + _answer_upsert(_answers_already_there("new_rows", 1), answers),
        ),
        "dashboard_response_del": (
            "surveys_response",
            "DELETE",
            _response_upsert(_responses_of("old_rows", -1), responses)
            + _answer_upsert(_answers_already_there("old_rows", -1), answers),
        ),
        "dashboard_response_upd": (
            "surveys_response",
            "UPDATE",
            _answer_upsert(_RESPONSE_MOVED, answers)
            + _response_upsert(_RESPONSE_REKEYED, responses),
        ),
    }


def _referencing(event: str) -> str:
    if event == "INSERT":
        return "REFERENCING NEW TABLE AS new_rows"
    if event == "DELETE":
        return "REFERENCING OLD TABLE AS old_rows"
    return "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"


def create_sql(
    answers: dict[str, str] = ANSWER_TABLES, responses: dict[str, str] = RESPONSE_TABLES
) -> list[str]:
    statements = []
    for name, (table, event, body) in functions(answers, responses).items():
        statements.append(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n{body}\nRETURN NULL;\nEND $$;"
        )
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table};")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} {_referencing(event)} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
        )
    return statements


def drop_sql() -> list[str]:
    statements = []
    for name, (table, _event, _body) in functions().items():
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table};")
        statements.append(f"DROP FUNCTION IF EXISTS {name}();")
    return statements


def rebuild_sql() -> list[str]:
    """Recompute every count table from the raw rows (after install, or to prove them exact)."""
    return [
        *(f"DELETE FROM {table};" for table in (*ANSWER_TABLES, *RESPONSE_TABLES)),
        _answer_upsert(_answers_of("surveys_answer", 1), FINEST_ANSWERS),
        _coarser_answer_rebuild(),
        _response_upsert(_responses_of("surveys_response", 1), RESPONSE_TABLES),
    ]
