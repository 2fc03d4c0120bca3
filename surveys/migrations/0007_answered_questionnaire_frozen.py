"""The database keeps answered questionnaires and a round's questionnaire fixed.

Guarded below the admin and the services, so that the ORM, `QuerySet.update()`, a data
migration or raw SQL cannot change the wording, aspect, order or no-opinion rule under answers
already given, nor move a round with responses to another questionnaire (its answers would then
count nowhere). Refusals are integrity errors whose message starts with `kbnn:`.

The SQL is frozen here (never imported from live code). On SQLite a later migration that
rebuilds one of these tables drops its triggers: `surveys/tests/test_questionnaire_freeze.py`
runs on both databases and would fail. SQLite has no delete triggers: Django empties its tables
between tests with DELETE statements in no fixed order, which a delete trigger would refuse;
there the foreign keys (checked at commit) refuse deleting an answered question, aspect or
questionnaire instead.
"""

from django.db import migrations

# (name, table, PostgreSQL function body, SQLite triggers)
ANSWERED_QUESTION = "EXISTS (SELECT 1 FROM surveys_answer WHERE question_id = {q})"
ANSWERED_ASPECT = (
    "EXISTS (SELECT 1 FROM surveys_answer a JOIN surveys_question q ON q.id = a.question_id"
    " WHERE q.aspect_id = {a})"
)
ANSWERED_QUESTIONNAIRE = (
    "EXISTS (SELECT 1 FROM surveys_answer a JOIN surveys_question q ON q.id = a.question_id"
    " WHERE q.questionnaire_id = {qn})"
)
QUESTION_COLUMNS = (
    "code", "text", "text_en", "aspect_id", "sort_order", "is_required", "allow_no_opinion",
    "is_overall", "questionnaire_id",
)  # fmt: skip
ASPECT_COLUMNS = ("name", "name_en", "sort_order", "questionnaire_id")
QUESTIONNAIRE_COLUMNS = ("code", "version", "title", "title_en")

CAMPAIGN_MSG = "kbnn:campaign_questionnaire_fixed"
QUESTION_MSG = "kbnn:question_answered"
ASPECT_MSG = "kbnn:aspect_answered"
QUESTIONNAIRE_MSG = "kbnn:questionnaire_answered"


def _changed(columns, new="NEW", old="OLD", sqlite=False) -> str:
    op = "IS NOT" if sqlite else "IS DISTINCT FROM"
    return " OR ".join(f"{new}.{c} {op} {old}.{c}" for c in columns)


def _raise_pg(msg: str) -> str:
    return f"RAISE EXCEPTION '{msg}' USING ERRCODE = '23000';"


POSTGRES = [
    (
        "surveys_campaign_questionnaire_fixed",
        "surveys_campaign",
        "BEFORE UPDATE OF questionnaire_id",
        f"""
        IF NEW.questionnaire_id IS DISTINCT FROM OLD.questionnaire_id
           AND EXISTS (SELECT 1 FROM surveys_response WHERE campaign_id = OLD.id) THEN
            {_raise_pg(CAMPAIGN_MSG)}
        END IF;
        RETURN NEW;
        """,
    ),
    (
        "surveys_question_frozen",
        "surveys_question",
        "BEFORE INSERT OR UPDATE OR DELETE",
        f"""
        IF TG_OP = 'INSERT' THEN
            IF {ANSWERED_QUESTIONNAIRE.format(qn="NEW.questionnaire_id")} THEN
                {_raise_pg(QUESTIONNAIRE_MSG)}
            END IF;
            RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE' OR ({_changed(QUESTION_COLUMNS)}) THEN
            IF {ANSWERED_QUESTION.format(q="OLD.id")} THEN
                {_raise_pg(QUESTION_MSG)}
            END IF;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
        """,
    ),
    (
        "surveys_aspect_frozen",
        "surveys_aspect",
        "BEFORE INSERT OR UPDATE OR DELETE",
        f"""
        IF TG_OP = 'INSERT' THEN
            IF {ANSWERED_QUESTIONNAIRE.format(qn="NEW.questionnaire_id")} THEN
                {_raise_pg(QUESTIONNAIRE_MSG)}
            END IF;
            RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE' OR ({_changed(ASPECT_COLUMNS)}) THEN
            IF {ANSWERED_ASPECT.format(a="OLD.id")} THEN
                {_raise_pg(ASPECT_MSG)}
            END IF;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
        """,
    ),
    (
        "surveys_questionnaire_frozen",
        "surveys_questionnaire",
        "BEFORE UPDATE OR DELETE",
        f"""
        IF (TG_OP = 'DELETE' OR ({_changed(QUESTIONNAIRE_COLUMNS)}))
           AND {ANSWERED_QUESTIONNAIRE.format(qn="OLD.id")} THEN
            {_raise_pg(QUESTIONNAIRE_MSG)}
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
        """,
    ),
]


def _sqlite_trigger(name, when, table, condition, msg) -> str:
    return (
        f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW WHEN {condition} "
        f"BEGIN SELECT RAISE(ABORT, '{msg}'); END;"
    )


SQLITE = [
    _sqlite_trigger(
        "surveys_campaign_questionnaire_fixed",
        "BEFORE UPDATE OF questionnaire_id",
        "surveys_campaign",
        "NEW.questionnaire_id IS NOT OLD.questionnaire_id AND "
        "EXISTS (SELECT 1 FROM surveys_response WHERE campaign_id = OLD.id)",
        CAMPAIGN_MSG,
    ),
    _sqlite_trigger(
        "surveys_question_frozen_insert", "BEFORE INSERT", "surveys_question",
        ANSWERED_QUESTIONNAIRE.format(qn="NEW.questionnaire_id"), QUESTIONNAIRE_MSG,
    ),
    _sqlite_trigger(
        "surveys_question_frozen_update", "BEFORE UPDATE", "surveys_question",
        f"({_changed(QUESTION_COLUMNS, sqlite=True)}) AND {ANSWERED_QUESTION.format(q='OLD.id')}",
        QUESTION_MSG,
    ),
    _sqlite_trigger(
        "surveys_aspect_frozen_insert", "BEFORE INSERT", "surveys_aspect",
        ANSWERED_QUESTIONNAIRE.format(qn="NEW.questionnaire_id"), QUESTIONNAIRE_MSG,
    ),
    _sqlite_trigger(
        "surveys_aspect_frozen_update", "BEFORE UPDATE", "surveys_aspect",
        f"({_changed(ASPECT_COLUMNS, sqlite=True)}) AND {ANSWERED_ASPECT.format(a='OLD.id')}",
        ASPECT_MSG,
    ),
    _sqlite_trigger(
        "surveys_questionnaire_frozen_update", "BEFORE UPDATE", "surveys_questionnaire",
        f"({_changed(QUESTIONNAIRE_COLUMNS, sqlite=True)}) AND "
        f"{ANSWERED_QUESTIONNAIRE.format(qn='OLD.id')}",
        QUESTIONNAIRE_MSG,
    ),
]  # fmt: skip

SQLITE_NAMES = [sql.split()[2] for sql in SQLITE]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name, table, when, body in POSTGRES:
            schema_editor.execute(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
                f" BEGIN {body} END $$;"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}();"
            )
    elif vendor == "sqlite":
        for sql in SQLITE:
            schema_editor.execute(sql)


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name, table, _when, _body in POSTGRES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}();")
    elif vendor == "sqlite":
        for name in SQLITE_NAMES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")


class Migration(migrations.Migration):
    dependencies = [("surveys", "0006_response_permissions_moved")]

    operations = [migrations.RunPython(install, uninstall)]
