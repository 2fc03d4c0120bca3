"""Counts of coarser grain beside AnswerCount: per unit (UnitAnswerCount), per slice without the
day (ResponseCount) and per unit and day (DayCount), so that the dashboard reads a few thousand
rows whatever the number of responses.

The triggers' SQL is frozen here (no import of live code): what dashboard/triggers.py produces
now. The counts are rebuilt from the raw rows in this migration (PostgreSQL only).
"""

import django.db.models.deletion
from django.db import migrations, models

PREVIOUS = "dashboard.migrations.0002_count_triggers"

CREATE_SQL = [
    'CREATE OR REPLACE FUNCTION dashboard_answer_ins() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n\n    INSERT INTO dashboard_answercount AS c (campaign_id, unit_id, respondent_group_id, channel, question_id, n1, n2, n3, n4, n5, n_null)\n    SELECT campaign_id, unit_id, respondent_group_id, channel, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),\n           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)\n    FROM (SELECT r.campaign_id, r.unit_id, r.respondent_group_id, r.channel, a.question_id,\n                      a.score, 1 AS sign\n               FROM new_rows a JOIN surveys_response r ON r.id = a.response_id) AS delta\n    GROUP BY campaign_id, unit_id, respondent_group_id, channel, question_id ORDER BY campaign_id, unit_id, respondent_group_id, channel, question_id\n    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;\n    \n    INSERT INTO dashboard_unitanswercount AS c (campaign_id, unit_id, question_id, n1, n2, n3, n4, n5, n_null)\n    SELECT campaign_id, unit_id, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),\n           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)\n    FROM (SELECT r.campaign_id, r.unit_id, r.respondent_group_id, r.channel, a.question_id,\n                      a.score, 1 AS sign\n               FROM new_rows a JOIN surveys_response r ON r.id = a.response_id) AS delta\n    GROUP BY campaign_id, unit_id, question_id ORDER BY campaign_id, unit_id, question_id\n    ON CONFLICT (campaign_id, unit_id, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;\n    \nRETURN NULL;\nEND $$;',
    'DROP TRIGGER IF EXISTS dashboard_answer_ins ON surveys_answer;',
    'CREATE TRIGGER dashboard_answer_ins AFTER INSERT ON surveys_answer REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_answer_ins();',
    'CREATE OR REPLACE FUNCTION dashboard_answer_del() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n\n    INSERT INTO dashboard_answercount AS c (campaign_id, unit_id, respondent_group_id, channel, question_id, n1, n2, n3, n4, n5, n_null)\n    SELECT campaign_id, unit_id, respondent_group_id, channel, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),\n           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)\n    FROM (SELECT r.campaign_id, r.unit_id, r.respondent_group_id, r.channel, a.question_id,\n                      a.score, -1 AS sign\n               FROM old_rows a JOIN surveys_response r ON r.id = a.response_id) AS delta\n    GROUP BY campaign_id, unit_id, respondent_group_id, channel, question_id ORDER BY campaign_id, unit_id, respondent_group_id, channel, question_id\n    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;\n    \n    INSERT INTO dashboard_unitanswercount AS c (campaign_id, unit_id, question_id, n1, n2, n3, n4, n5, n_null)\n    SELECT campaign_id, unit_id, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),\n           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)\n    FROM (SELECT r.campaign_id, r.unit_id, r.respondent_group_id, r.channel, a.question_id,\n                      a.score, -1 AS sign\n               FROM old_rows a JOIN surveys_response r ON r.id = a.response_id) AS delta\n    GROUP BY campaign_id, unit_id, question_id ORDER BY campaign_id, unit_id, question_id\n    ON CONFLICT (campaign_id, unit_id, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;\n    \nRETURN NULL;\nEND $$;',
    'DROP TRIGGER IF EXISTS dashboard_answer_del ON surveys_answer;',
    'CREATE TRIGGER dashboard_answer_del AFTER DELETE ON surveys_answer REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_answer_del();',
    'CREATE OR REPLACE FUNCTION dashboard_answer_upd() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n\n    INSERT INTO dashboard_answercount AS c (campaign_id, unit_id, respondent_group_id, channel, question_id, n1, n2, n3, n4, n5, n_null)\n    SELECT campaign_id, unit_id, respondent_group_id, channel, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),\n           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)\n    FROM (SELECT r.campaign_id, r.unit_id, r.respondent_group_id, r.channel, a.question_id,\n                      a.score, -1 AS sign\n               FROM old_rows a JOIN surveys_response r ON r.id = a.response_id UNION ALL SELECT r.campaign_id, r.unit_id, r.respondent_group_id, r.channel, a.question_id,\n                      a.score, 1 AS sign\n               FROM new_rows a JOIN surveys_response r ON r.id = a.response_id) AS delta\n    GROUP BY campaign_id, unit_id, respondent_group_id, channel, question_id ORDER BY campaign_id, unit_id, respondent_group_id, channel, question_id\n    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;\n    \n    INSERT INTO dashboard_unitanswercount AS c (campaign_id, unit_id, question_id, n1, n2, n3, n4, n5, n_null)\n    SELECT campaign_id, unit_id, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),\n           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)\n    FROM (SELECT r.campaign_id, r.unit_id, r.respondent_group_id, r.channel, a.question_id,\n                      a.score, -1 AS sign\n               FROM old_rows a JOIN surveys_response r ON r.id = a.response_id UNION ALL SELECT r.campaign_id, r.unit_id, r.respondent_group_id, r.channel, a.question_id,\n                      a.score, 1 AS sign\n               FROM new_rows a JOIN surveys_response r ON r.id = a.response_id) AS delta\n    GROUP BY campaign_id, unit_id, question_id ORDER BY campaign_id, unit_id, question_id\n    ON CONFLICT (campaign_id, unit_id, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;\n    \nRETURN NULL;\nEND $$;',
    'DROP TRIGGER IF EXISTS dashboard_answer_upd ON surveys_answer;',
    'CREATE TRIGGER dashboard_answer_upd AFTER UPDATE ON surveys_answer REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_answer_upd();',
    'CREATE OR REPLACE FUNCTION dashboard_response_ins() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n\n    INSERT INTO dashboard_responsecount AS c (campaign_id, unit_id, respondent_group_id, channel, responses)\n    SELECT campaign_id, unit_id, respondent_group_id, channel, sum(sign) FROM (SELECT campaign_id, unit_id, respondent_group_id, channel, answered_on, 1 AS sign FROM new_rows) AS delta\n    GROUP BY campaign_id, unit_id, respondent_group_id, channel ORDER BY campaign_id, unit_id, respondent_group_id, channel\n    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel) DO UPDATE SET responses = c.responses + EXCLUDED.responses;\n    \n    INSERT INTO dashboard_daycount AS c (campaign_id, unit_id, answered_on, responses)\n    SELECT campaign_id, unit_id, answered_on, sum(sign) FROM (SELECT campaign_id, unit_id, respondent_group_id, channel, answered_on, 1 AS sign FROM new_rows) AS delta\n    GROUP BY campaign_id, unit_id, answered_on ORDER BY campaign_id, unit_id, answered_on\n    ON CONFLICT (campaign_id, unit_id, answered_on) DO UPDATE SET responses = c.responses + EXCLUDED.responses;\n    \n    INSERT INTO dashboard_answercount AS c (campaign_id, unit_id, respondent_group_id, channel, question_id, n1, n2, n3, n4, n5, n_null)\n    SELECT campaign_id, unit_id, respondent_group_id, channel, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),\n           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)\n    FROM (SELECT o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, a.question_id,\n                      a.score, 1 AS sign\n               FROM new_rows o JOIN surveys_answer a ON a.response_id = o.id) AS delta\n    GROUP BY campaign_id, unit_id, respondent_group_id, channel, question_id ORDER BY campaign_id, unit_id, respondent_group_id, channel, question_id\n    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;\n    \n    INSERT INTO dashboard_unitanswercount AS c (campaign_id, unit_id, question_id, n1, n2, n3, n4, n5, n_null)\n    SELECT campaign_id, unit_id, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),\n           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)\n    FROM (SELECT o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, a.question_id,\n                      a.score, 1 AS sign\n               FROM new_rows o JOIN surveys_answer a ON a.response_id = o.id) AS delta\n    GROUP BY campaign_id, unit_id, question_id ORDER BY campaign_id, unit_id, question_id\n    ON CONFLICT (campaign_id, unit_id, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;\n    \nRETURN NULL;\nEND $$;',
    'DROP TRIGGER IF EXISTS dashboard_response_ins ON surveys_response;',
    'CREATE TRIGGER dashboard_response_ins AFTER INSERT ON surveys_response REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_response_ins();',
    'CREATE OR REPLACE FUNCTION dashboard_response_del() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n\n    INSERT INTO dashboard_responsecount AS c (campaign_id, unit_id, respondent_group_id, channel, responses)\n    SELECT campaign_id, unit_id, respondent_group_id, channel, sum(sign) FROM (SELECT campaign_id, unit_id, respondent_group_id, channel, answered_on, -1 AS sign FROM old_rows) AS delta\n    GROUP BY campaign_id, unit_id, respondent_group_id, channel ORDER BY campaign_id, unit_id, respondent_group_id, channel\n    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel) DO UPDATE SET responses = c.responses + EXCLUDED.responses;\n    \n    INSERT INTO dashboard_daycount AS c (campaign_id, unit_id, answered_on, responses)\n    SELECT campaign_id, unit_id, answered_on, sum(sign) FROM (SELECT campaign_id, unit_id, respondent_group_id, channel, answered_on, -1 AS sign FROM old_rows) AS delta\n    GROUP BY campaign_id, unit_id, answered_on ORDER BY campaign_id, unit_id, answered_on\n    ON CONFLICT (campaign_id, unit_id, answered_on) DO UPDATE SET responses = c.responses + EXCLUDED.responses;\n    \n    INSERT INTO dashboard_answercount AS c (campaign_id, unit_id, respondent_group_id, channel, question_id, n1, n2, n3, n4, n5, n_null)\n    SELECT campaign_id, unit_id, respondent_group_id, channel, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),\n           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)\n    FROM (SELECT o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, a.question_id,\n                      a.score, -1 AS sign\n               FROM old_rows o JOIN surveys_answer a ON a.response_id = o.id) AS delta\n    GROUP BY campaign_id, unit_id, respondent_group_id, channel, question_id ORDER BY campaign_id, unit_id, respondent_group_id, channel, question_id\n    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;\n    \n    INSERT INTO dashboard_unitanswercount AS c (campaign_id, unit_id, question_id, n1, n2, n3, n4, n5, n_null)\n    SELECT campaign_id, unit_id, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),\n           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)\n    FROM (SELECT o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, a.question_id,\n                      a.score, -1 AS sign\n               FROM old_rows o JOIN surveys_answer a ON a.response_id = o.id) AS delta\n    GROUP BY campaign_id, unit_id, question_id ORDER BY campaign_id, unit_id, question_id\n    ON CONFLICT (campaign_id, unit_id, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;\n    \nRETURN NULL;\nEND $$;',
    'DROP TRIGGER IF EXISTS dashboard_response_del ON surveys_response;',
    'CREATE TRIGGER dashboard_response_del AFTER DELETE ON surveys_response REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_response_del();',
    'CREATE OR REPLACE FUNCTION dashboard_response_upd() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n\n    INSERT INTO dashboard_answercount AS c (campaign_id, unit_id, respondent_group_id, channel, question_id, n1, n2, n3, n4, n5, n_null)\n    SELECT campaign_id, unit_id, respondent_group_id, channel, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),\n           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)\n    FROM (\n    SELECT o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, a.question_id,\n           a.score, -1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id\n    JOIN surveys_answer a ON a.response_id = n.id\n    WHERE (o.campaign_id, o.unit_id, o.respondent_group_id, o.channel)\n          IS DISTINCT FROM (n.campaign_id, n.unit_id, n.respondent_group_id, n.channel)\n    UNION ALL\n    SELECT n.campaign_id, n.unit_id, n.respondent_group_id, n.channel, a.question_id,\n           a.score, 1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id\n    JOIN surveys_answer a ON a.response_id = n.id\n    WHERE (o.campaign_id, o.unit_id, o.respondent_group_id, o.channel)\n          IS DISTINCT FROM (n.campaign_id, n.unit_id, n.respondent_group_id, n.channel)) AS delta\n    GROUP BY campaign_id, unit_id, respondent_group_id, channel, question_id ORDER BY campaign_id, unit_id, respondent_group_id, channel, question_id\n    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;\n    \n    INSERT INTO dashboard_unitanswercount AS c (campaign_id, unit_id, question_id, n1, n2, n3, n4, n5, n_null)\n    SELECT campaign_id, unit_id, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),\n           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)\n    FROM (\n    SELECT o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, a.question_id,\n           a.score, -1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id\n    JOIN surveys_answer a ON a.response_id = n.id\n    WHERE (o.campaign_id, o.unit_id, o.respondent_group_id, o.channel)\n          IS DISTINCT FROM (n.campaign_id, n.unit_id, n.respondent_group_id, n.channel)\n    UNION ALL\n    SELECT n.campaign_id, n.unit_id, n.respondent_group_id, n.channel, a.question_id,\n           a.score, 1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id\n    JOIN surveys_answer a ON a.response_id = n.id\n    WHERE (o.campaign_id, o.unit_id, o.respondent_group_id, o.channel)\n          IS DISTINCT FROM (n.campaign_id, n.unit_id, n.respondent_group_id, n.channel)) AS delta\n    GROUP BY campaign_id, unit_id, question_id ORDER BY campaign_id, unit_id, question_id\n    ON CONFLICT (campaign_id, unit_id, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;\n    \n    INSERT INTO dashboard_responsecount AS c (campaign_id, unit_id, respondent_group_id, channel, responses)\n    SELECT campaign_id, unit_id, respondent_group_id, channel, sum(sign) FROM (\n    SELECT o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, o.answered_on,\n           -1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id\n    WHERE (o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, o.answered_on)\n          IS DISTINCT FROM (n.campaign_id, n.unit_id, n.respondent_group_id, n.channel,\n                            n.answered_on)\n    UNION ALL\n    SELECT n.campaign_id, n.unit_id, n.respondent_group_id, n.channel, n.answered_on,\n           1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id\n    WHERE (o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, o.answered_on)\n          IS DISTINCT FROM (n.campaign_id, n.unit_id, n.respondent_group_id, n.channel,\n                            n.answered_on)) AS delta\n    GROUP BY campaign_id, unit_id, respondent_group_id, channel ORDER BY campaign_id, unit_id, respondent_group_id, channel\n    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel) DO UPDATE SET responses = c.responses + EXCLUDED.responses;\n    \n    INSERT INTO dashboard_daycount AS c (campaign_id, unit_id, answered_on, responses)\n    SELECT campaign_id, unit_id, answered_on, sum(sign) FROM (\n    SELECT o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, o.answered_on,\n           -1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id\n    WHERE (o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, o.answered_on)\n          IS DISTINCT FROM (n.campaign_id, n.unit_id, n.respondent_group_id, n.channel,\n                            n.answered_on)\n    UNION ALL\n    SELECT n.campaign_id, n.unit_id, n.respondent_group_id, n.channel, n.answered_on,\n           1 AS sign FROM old_rows o JOIN new_rows n ON n.id = o.id\n    WHERE (o.campaign_id, o.unit_id, o.respondent_group_id, o.channel, o.answered_on)\n          IS DISTINCT FROM (n.campaign_id, n.unit_id, n.respondent_group_id, n.channel,\n                            n.answered_on)) AS delta\n    GROUP BY campaign_id, unit_id, answered_on ORDER BY campaign_id, unit_id, answered_on\n    ON CONFLICT (campaign_id, unit_id, answered_on) DO UPDATE SET responses = c.responses + EXCLUDED.responses;\n    \nRETURN NULL;\nEND $$;',
    'DROP TRIGGER IF EXISTS dashboard_response_upd ON surveys_response;',
    'CREATE TRIGGER dashboard_response_upd AFTER UPDATE ON surveys_response REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_response_upd();',
]

REBUILD_SQL = [
    'DELETE FROM dashboard_answercount;',
    'DELETE FROM dashboard_unitanswercount;',
    'DELETE FROM dashboard_responsecount;',
    'DELETE FROM dashboard_daycount;',
    '\n    INSERT INTO dashboard_answercount AS c (campaign_id, unit_id, respondent_group_id, channel, question_id, n1, n2, n3, n4, n5, n_null)\n    SELECT campaign_id, unit_id, respondent_group_id, channel, question_id, coalesce(sum(sign) FILTER (WHERE score = 1), 0), coalesce(sum(sign) FILTER (WHERE score = 2), 0), coalesce(sum(sign) FILTER (WHERE score = 3), 0), coalesce(sum(sign) FILTER (WHERE score = 4), 0), coalesce(sum(sign) FILTER (WHERE score = 5), 0),\n           coalesce(sum(sign) FILTER (WHERE score IS NULL), 0)\n    FROM (SELECT r.campaign_id, r.unit_id, r.respondent_group_id, r.channel, a.question_id,\n                      a.score, 1 AS sign\n               FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id) AS delta\n    GROUP BY campaign_id, unit_id, respondent_group_id, channel, question_id ORDER BY campaign_id, unit_id, respondent_group_id, channel, question_id\n    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel, question_id) DO UPDATE SET n1 = c.n1 + EXCLUDED.n1, n2 = c.n2 + EXCLUDED.n2, n3 = c.n3 + EXCLUDED.n3, n4 = c.n4 + EXCLUDED.n4, n5 = c.n5 + EXCLUDED.n5, n_null = c.n_null + EXCLUDED.n_null;\n    ',
    '\n    INSERT INTO dashboard_unitanswercount (campaign_id, unit_id, question_id, n1, n2, n3, n4, n5, n_null)\n    SELECT campaign_id, unit_id, question_id, sum(n1), sum(n2), sum(n3), sum(n4), sum(n5), sum(n_null) FROM dashboard_answercount GROUP BY campaign_id, unit_id, question_id;\n    ',
    '\n    INSERT INTO dashboard_responsecount AS c (campaign_id, unit_id, respondent_group_id, channel, responses)\n    SELECT campaign_id, unit_id, respondent_group_id, channel, sum(sign) FROM (SELECT campaign_id, unit_id, respondent_group_id, channel, answered_on, 1 AS sign FROM surveys_response) AS delta\n    GROUP BY campaign_id, unit_id, respondent_group_id, channel ORDER BY campaign_id, unit_id, respondent_group_id, channel\n    ON CONFLICT (campaign_id, unit_id, respondent_group_id, channel) DO UPDATE SET responses = c.responses + EXCLUDED.responses;\n    \n    INSERT INTO dashboard_daycount AS c (campaign_id, unit_id, answered_on, responses)\n    SELECT campaign_id, unit_id, answered_on, sum(sign) FROM (SELECT campaign_id, unit_id, respondent_group_id, channel, answered_on, 1 AS sign FROM surveys_response) AS delta\n    GROUP BY campaign_id, unit_id, answered_on ORDER BY campaign_id, unit_id, answered_on\n    ON CONFLICT (campaign_id, unit_id, answered_on) DO UPDATE SET responses = c.responses + EXCLUDED.responses;\n    ',
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


def empty_response_counts(apps, schema_editor):
    """The old rows would collide once the day leaves the key; they are rebuilt below."""
    apps.get_model("dashboard", "ResponseCount").objects.all().delete()


def install_and_rebuild(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: the dashboard reads the raw answers instead
    for statement in CREATE_SQL + REBUILD_SQL:
        schema_editor.execute(statement)


def previous_functions(apps, schema_editor):
    """Back to 0002's functions (the day back in ResponseCount), and their counts."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from importlib import import_module

    previous = import_module(PREVIOUS)
    for statement in previous.CREATE_SQL + previous.REBUILD_SQL:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0007_signal_kinds_speeder_kiosk_burst'),
        ('surveys', '0002_roles'),
    ]

    operations = [
        migrations.RunPython(empty_response_counts, previous_functions),
        migrations.CreateModel(
            name='DayCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('answered_on', models.DateField()),
                ('responses', models.IntegerField(default=0)),
            ],
            options={
                'verbose_name': 'responses a day',
                'verbose_name_plural': 'responses a day',
            },
        ),
        migrations.CreateModel(
            name='UnitAnswerCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('n1', models.IntegerField(default=0)),
                ('n2', models.IntegerField(default=0)),
                ('n3', models.IntegerField(default=0)),
                ('n4', models.IntegerField(default=0)),
                ('n5', models.IntegerField(default=0)),
                ('n_null', models.IntegerField(default=0)),
            ],
            options={
                'verbose_name': 'answer count per unit',
                'verbose_name_plural': 'answer counts per unit',
            },
        ),
        migrations.RemoveConstraint(
            model_name='responsecount',
            name='responsecount_cell',
        ),
        migrations.RemoveField(
            model_name='responsecount',
            name='answered_on',
        ),
        migrations.AddConstraint(
            model_name='responsecount',
            constraint=models.UniqueConstraint(fields=('campaign', 'unit', 'respondent_group', 'channel'), name='responsecount_cell'),
        ),
        migrations.AddField(
            model_name='daycount',
            name='campaign',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='surveys.campaign'),
        ),
        migrations.AddField(
            model_name='daycount',
            name='unit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='surveys.unit'),
        ),
        migrations.AddField(
            model_name='unitanswercount',
            name='campaign',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='surveys.campaign'),
        ),
        migrations.AddField(
            model_name='unitanswercount',
            name='question',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='surveys.question'),
        ),
        migrations.AddField(
            model_name='unitanswercount',
            name='unit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='surveys.unit'),
        ),
        migrations.AddConstraint(
            model_name='daycount',
            constraint=models.UniqueConstraint(fields=('campaign', 'unit', 'answered_on'), name='daycount_cell'),
        ),
        migrations.AddConstraint(
            model_name='unitanswercount',
            constraint=models.UniqueConstraint(fields=('campaign', 'unit', 'question'), name='unitanswercount_cell'),
        ),
        migrations.RunPython(install_and_rebuild, empty_response_counts),
    ]
