from __future__ import annotations

from django.urls import reverse

from followups import services
from followups.tests.helpers import open_followup


def _status(client, code):
    return client.get(reverse("followups:status", args=[code]))


def test_unknown_and_malformed_codes_answer_the_same(client, comment):
    unknown = _status(client, "A" * 10)
    malformed = _status(client, "not-a-code!")
    too_short = _status(client, comment.tracking_code[:-1])
    assert unknown.status_code == malformed.status_code == too_short.status_code == 404
    # The page body is identical (only the CSRF token and the language form's "next" differ).
    assert _main(unknown) == _main(malformed) == _main(too_short)


def _main(response) -> str:
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def test_shows_only_status_and_resolution(
    client, campaign, units, team, manager, comment, in_a_week
):
    body = _status(client, comment.tracking_code).content.decode()
    assert "đang chờ được đọc" in body
    assert "Chờ quá lâu" not in body  # the comment itself is not repeated
    followup = open_followup(
        campaign, units[0], team, [comment], in_a_week, title="Nội bộ: tiêu đề"
    )
    services.followup_record_action(followup=followup, action_taken="Ghi chú nội bộ", user=manager)
    body = _status(client, comment.tracking_code.lower()).content.decode()
    assert "đang xử lý" in body and "Ghi chú nội bộ" not in body and "Nội bộ" not in body
    services.followup_resolve(followup=followup, resolution="Đã bố trí thêm quầy", user=manager)
    body = _status(client, comment.tracking_code).content.decode()
    assert "Đã bố trí thêm quầy" in body
    assert units[0].name not in body


def test_rate_limited(client, comment):
    codes = [factories_code(i) for i in range(25)]
    answers = [_status(client, code).status_code for code in codes]
    assert answers[:20] == [404] * 20
    assert set(answers[20:]) == {429}
    assert _status(client, comment.tracking_code).status_code == 429


def factories_code(i: int) -> str:
    return f"{i:02d}".replace("0", "A").replace("1", "B") + "ABCDEFGH"


def test_lookup_form_redirects(client, db):
    response = client.get(reverse("followups:status_lookup"), {"code": " abcd efgh jk "})
    assert response.status_code == 302 and response["Location"].endswith("/tra-cuu/ABCDEFGHJK/")
    assert client.get(reverse("followups:status_lookup")).status_code == 200


def test_cache_down_fails_open(client, comment, settings):
    """The look-up still answers when the rate-limit store (Redis) is unreachable: no 500."""
    settings.RATELIMIT_STORAGE_URI = "redis://127.0.0.1:1/0"
    assert _status(client, comment.tracking_code).status_code == 200


def test_shows_the_code_the_day_received_the_steps_and_a_way_back(
    client, campaign, units, team, manager, comment, in_a_week
):
    followup = open_followup(campaign, units[0], team, [comment], in_a_week, title="Nội bộ")
    services.followup_record_action(followup=followup, action_taken="Ghi chú nội bộ", user=manager)
    services.followup_resolve(followup=followup, resolution="Đã bố trí thêm quầy", user=manager)
    body = _main(_status(client, comment.tracking_code))
    assert f'id="status-code">{comment.tracking_code}<' in body
    assert f'id="status-received">{comment.answered_on:%d/%m/%Y}<' in body
    history = body[body.index('id="status-history"') :]
    # What was done and when, in order; never who did it or the staff's note.
    steps = [step.split("</span>")[0] for step in history.split("<li")[1:]]
    assert len(steps) == 3 and "Đã bố trí thêm quầy" in body
    assert manager.username not in body and "Ghi chú nội bộ" not in body
    assert reverse("followups:status_lookup") in body and reverse("surveys:home") in body
