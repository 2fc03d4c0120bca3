"""Counts kept exact by triggers, filled from the responses already stored.

The SQL is frozen here (no import of live code): it is what dashboard/triggers.py produced when
the triggers were last changed (migration 0006), so a new database gets those functions at once;
0005 and 0006 install the same functions on a database that ran an earlier 0002. Change the
triggers with a new migration carrying its own SQL, never by editing this one.
"""

from django.db import migrations

CREATE_SQL = [
    """CREATE OR REPLACE FUNCTION dashboard_answer_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN

    INSERT INTO dashboard_answercount AS c (campaign_id, unit_id, respondent_group_id, channel, question_id, n1, n2, n3, n4, n5, n_null)
    SELECT campaign_id, unit_id, respondent_group_id, channel, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),
           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)
    FROM (SELECT r.campaign_id, r.unit_id, r.respondent_group_id, r.channel, a.question_id,
                      a.score, 1 AS sign
               FROM new_rows a JOIN surveys_response r ON r.id = a.response_id) AS delta
    GROUP BY campaign_id, unit_id, respondent_group_id, channel, question_id ORDER BY campaign_id, unit_id, respondent_group_id, channel, question_id
    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;
    
RETURN NULL;
END $$;""",
    'DROP TRIGGER IF EXISTS dashboard_answer_ins ON surveys_answer;',
    'CREATE TRIGGER dashboard_answer_ins AFTER INSERT ON surveys_answer REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_answer_ins();',
    """CREATE OR REPLACE FUNCTION dashboard_answer_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN

    INSERT INTO dashboard_answercount AS c (campaign_id, unit_id, respondent_group_id, channel, question_id, n1, n2, n3, n4, n5, n_null)
    SELECT campaign_id, unit_id, respondent_group_id, channel, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),
           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)
    FROM (SELECT r.campaign_id, r.unit_id, r.respondent_group_id, r.channel, a.question_id,
                      a.score, -1 AS sign
               FROM old_rows a JOIN surveys_response r ON r.id = a.response_id) AS delta
    GROUP BY campaign_id, unit_id, respondent_group_id, channel, question_id ORDER BY campaign_id, unit_id, respondent_group_id, channel, question_id
    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;
    
RETURN NULL;
END $$;""",
    'DROP TRIGGER IF EXISTS dashboard_answer_del ON surveys_answer;',
    'CREATE TRIGGER dashboard_answer_del AFTER DELETE ON surveys_answer REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_answer_del();',
    """CREATE OR REPLACE FUNCTION dashboard_answer_upd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN

    INSERT INTO dashboard_answercount AS c (campaign_id, unit_id, respondent_group_id, channel, question_id, n1, n2, n3, n4, n5, n_null)
    SELECT campaign_id, unit_id, respondent_group_id, channel, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),
           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)
    FROM (SELECT r.campaign_id, r.unit_id, r.respondent_group_id, r.channel, a.question_id,
                      a.score, -1 AS sign
               FROM old_rows a JOIN surveys_response r ON r.id = a.response_id UNION ALL SELECT r.campaign_id, r.unit_id, r.respondent_group_id, r.channel, a.question_id,
                      a.score, 1 AS sign
               FROM new_rows a JOIN surveys_response r ON r.id = a.response_id) AS delta
    GROUP BY campaign_id, unit_id, respondent_group_id, channel, question_id ORDER BY campaign_id, unit_id, respondent_group_id, channel, question_id
    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;
    
RETURN NULL;
END $$;""",
    'DROP TRIGGER IF EXISTS dashboard_answer_upd ON surveys_answer;',
    'CREATE TRIGGER dashboard_answer_upd AFTER UPDATE ON surveys_answer REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_answer_upd();',
    """CREATE OR REPLACE FUNCTION dashboard_response_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN

    INSERT INTO dashboard_responsecount AS c (campaign_id, unit_id, respondent_group_id, channel, answered_on, responses)
    SELECT campaign_id, unit_id, respondent_group_id, channel, answered_on, sum(sign) FROM (SELECT campaign_id, unit_id, respondent_group_id, channel, answered_on, 1 AS sign FROM new_rows) AS delta
    GROUP BY campaign_id, unit_id, respondent_group_id, channel, answered_on ORDER BY campaign_id, unit_id, respondent_group_id, channel, answered_on
    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, answered_on) DO UPDATE SET responses = c.responses + EXCLUDED.responses;
    
    INSERT INTO dashboard_answercount AS c (campaign_id, unit_id, respondent_group_id, channel, question_id, n1, n2, n3, n4, n5, n_null)
    SELECT campaign_id, unit_id, respondent_group_id, channel, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),
           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)
    FROM (SELECT o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, a.question_id,
                      a.score, 1 AS sign
               FROM new_rows o JOIN surveys_answer a ON a.response_id = o.id) AS delta
    GROUP BY campaign_id, unit_id, respondent_group_id, channel, question_id ORDER BY campaign_id, unit_id, respondent_group_id, channel, question_id
    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;
    
RETURN NULL;
END $$;""",
    'DROP TRIGGER IF EXISTS dashboard_response_ins ON surveys_response;',
    'CREATE TRIGGER dashboard_response_ins AFTER INSERT ON surveys_response REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_response_ins();',
    """CREATE OR REPLACE FUNCTION dashboard_response_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN

    INSERT INTO dashboard_responsecount AS c (campaign_id, unit_id, respondent_group_id, channel, answered_on, responses)
    SELECT campaign_id, unit_id, respondent_group_id, channel, answered_on, sum(sign) FROM (SELECT campaign_id, unit_id, respondent_group_id, channel, answered_on, -1 AS sign FROM old_rows) AS delta
    GROUP BY campaign_id, unit_id, respondent_group_id, channel, answered_on ORDER BY campaign_id, unit_id, respondent_group_id, channel, answered_on
    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, answered_on) DO UPDATE SET responses = c.responses + EXCLUDED.responses;
    
    INSERT INTO dashboard_answercount AS c (campaign_id, unit_id, respondent_group_id, channel, question_id, n1, n2, n3, n4, n5, n_null)
    SELECT campaign_id, unit_id, respondent_group_id, channel, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),
           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)
    FROM (SELECT o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, a.question_id,
                      a.score, -1 AS sign
               FROM old_rows o JOIN surveys_answer a ON a.response_id = o.id) AS delta
    GROUP BY campaign_id, unit_id, respondent_group_id, channel, question_id ORDER BY campaign_id, unit_id, respondent_group_id, channel, question_id
    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;
    
RETURN NULL;
END $$;""",
    'DROP TRIGGER IF EXISTS dashboard_response_del ON surveys_response;',
    'CREATE TRIGGER dashboard_response_del AFTER DELETE ON surveys_response REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_response_del();',
    """CREATE OR REPLACE FUNCTION dashboard_response_upd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN

    INSERT INTO dashboard_answercount AS c (campaign_id, unit_id, respondent_group_id, channel, question_id, n1, n2, n3, n4, n5, n_null)
    SELECT campaign_id, unit_id, respondent_group_id, channel, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),
           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)
    FROM (
    SELECT o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, a.question_id,
           a.score, -1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id
    JOIN surveys_answer a ON a.response_id = n.id
    WHERE (o.campaign_id, o.unit_id, o.respondent_group_id, o.channel)
          IS DISTINCT FROM (n.campaign_id, n.unit_id, n.respondent_group_id, n.channel)
    UNION ALL
    SELECT n.campaign_id, n.unit_id, n.respondent_group_id, n.channel, a.question_id,
           a.score, 1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id
    JOIN surveys_answer a ON a.response_id = n.id
    WHERE (o.campaign_id, o.unit_id, o.respondent_group_id, o.channel)
          IS DISTINCT FROM (n.campaign_id, n.unit_id, n.respondent_group_id, n.channel)) AS delta
    GROUP BY campaign_id, unit_id, respondent_group_id, channel, question_id ORDER BY campaign_id, unit_id, respondent_group_id, channel, question_id
    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;
    
    INSERT INTO dashboard_responsecount AS c (campaign_id, unit_id, respondent_group_id, channel, answered_on, responses)
    SELECT campaign_id, unit_id, respondent_group_id, channel, answered_on, sum(sign) FROM (
    SELECT o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, o.answered_on,
           -1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, o.answered_on)
          IS DISTINCT FROM (n.campaign_id, n.unit_id, n.respondent_group_id, n.channel,
                            n.answered_on)
    UNION ALL
    SELECT n.campaign_id, n.unit_id, n.respondent_group_id, n.channel, n.answered_on,
           1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, o.answered_on)
          IS DISTINCT FROM (n.campaign_id, n.unit_id, n.respondent_group_id, n.channel,
                            n.answered_on)) AS delta
    GROUP BY campaign_id, unit_id, respondent_group_id, channel, answered_on ORDER BY campaign_id, unit_id, respondent_group_id, channel, answered_on
    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, answered_on) DO UPDATE SET responses = c.responses + EXCLUDED.responses;
    
RETURN NULL;
END $$;""",
    'DROP TRIGGER IF EXISTS dashboard_response_upd ON surveys_response;',
    'CREATE TRIGGER dashboard_response_upd AFTER UPDATE ON surveys_response REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_response_upd();',
]

REBUILD_SQL = [
    'DELETE FROM dashboard_answercount;',
    'DELETE FROM dashboard_responsecount;',
    """
    INSERT INTO dashboard_answercount AS c (campaign_id, unit_id, respondent_group_id, channel, question_id, n1, n2, n3, n4, n5, n_null)
    SELECT campaign_id, unit_id, respondent_group_id, channel, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),
           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)
    FROM (SELECT r.campaign_id, r.unit_id, r.respondent_group_id, r.channel, a.question_id,
                      a.score, 1 AS sign
               FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id) AS delta
    GROUP BY campaign_id, unit_id, respondent_group_id, channel, question_id ORDER BY campaign_id, unit_id, respondent_group_id, channel, question_id
    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;
    """,
    """
    INSERT INTO dashboard_responsecount AS c (campaign_id, unit_id, respondent_group_id, channel, answered_on, responses)
    SELECT campaign_id, unit_id, respondent_group_id, channel, answered_on, sum(sign) FROM (SELECT campaign_id, unit_id, respondent_group_id, channel, answered_on, 1 AS sign FROM surveys_response) AS delta
    GROUP BY campaign_id, unit_id, respondent_group_id, channel, answered_on ORDER BY campaign_id, unit_id, respondent_group_id, channel, answered_on
    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, answered_on) DO UPDATE SET responses = c.responses + EXCLUDED.responses;
    """,
]

DROP_SQL = [
    'DROP TRIGGER IF EXISTS dashboard_answer_ins ON surveys_answer;',
    'DROP FUNCTION IF EXISTS dashboard_answer_ins();',
    'DROP TRIGGER IF EXISTS dashboard_answer_del ON surveys_answer;',
    'DROP FUNCTION IF EXISTS dashboard_answer_del();',
    'DROP TRIGGER IF EXISTS dashboard_answer_upd ON surveys_answer;',
    'DROP FUNCTION IF EXISTS dashboard_answer_upd();',
    'DROP TRIGGER IF EXISTS dashboard_response_ins ON surveys_response;',
    'DROP FUNCTION IF EXISTS dashboard_response_ins();',
    'DROP TRIGGER IF EXISTS dashboard_response_del ON surveys_response;',
    'DROP FUNCTION IF EXISTS dashboard_response_del();',
    'DROP TRIGGER IF EXISTS dashboard_response_upd ON surveys_response;',
    'DROP FUNCTION IF EXISTS dashboard_response_upd();',
]


def install_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: the dashboard reads the raw answers instead
    for statement in CREATE_SQL + REBUILD_SQL:
        schema_editor.execute(statement)


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DROP_SQL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    """Counts kept exact by triggers, filled from the responses already stored."""

    dependencies = [
        ("dashboard", "0001_initial"),
        ("surveys", "0002_roles"),
    ]

    operations = [migrations.RunPython(install_triggers, remove_triggers)]
