"""The profiles are chosen by environment variables only; production refuses weak secrets."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" * 10 + "Zq8#xT2!pL0@vN5$wR7^yU1&mB4*cE6(" + "a1b2c3d4e5f6g7h8"


def run_manage(*args, **env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "KBNN_PROFILE",
            "SITE_URL",
        )
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PG = "postgres://postgres@127.0.0.1:5432/kbnn"


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", ALLOWED_HOSTS="khaosat.example.vn", DATABASE_URL=PG)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_the_development_key():
    result = run_manage(
        "check",
        ALLOWED_HOSTS="x.vn",
        DATABASE_URL=PG,
        SECRET_KEY="django-insecure-local-development-key-not-for-production",
    )
    assert result.returncode != 0


def test_no_variables_at_all_fail_closed_instead_of_booting_in_debug():
    """A server that forgets its variables must not come up with DEBUG and a known key."""
    for env in ({}, {"DEBUG": "1"}, {"SECRET_KEY": STRONG_KEY, "DATABASE_URL": PG}):
        result = run_manage("check", **env)
        assert result.returncode != 0, env
        assert "ImproperlyConfigured" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts_or_database():
    no_hosts = run_manage("check", SECRET_KEY=STRONG_KEY, DATABASE_URL=PG)
    assert no_hosts.returncode != 0 and "ALLOWED_HOSTS" in no_hosts.stderr
    no_db = run_manage("check", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="x.vn")
    assert no_db.returncode != 0 and "DATABASE_URL" in no_db.stderr


def test_an_unknown_profile_is_refused():
    result = run_manage("check", KBNN_PROFILE="prod")
    assert result.returncode != 0 and "KBNN_PROFILE" in result.stderr


def test_production_profile_passes_check_deploy_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="khaosat.kbnn.example.vn",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/kbnn",
        REDIS_URL="redis://127.0.0.1:6379/0",
        SITE_URL="https://khaosat.kbnn.example.vn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr


PROFILE_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "KBNN_PROFILE",
    "EMAIL_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
)


def settings_seen(expressions: str, **env_overrides) -> list[str]:
    """What `kbnn_survey.settings.profile` evaluates to under the given environment only."""
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        f"d=s.DATABASES['default'];print({expressions})"
    )
    env = {k: v for k, v in os.environ.items() if k not in PROFILE_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="kbnn_survey.settings.profile", **env_overrides)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.split()


def test_local_profile_is_sqlite_with_tasks_in_process():
    seen = settings_seen(
        "d['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG, s.EMAIL_BACKEND", KBNN_PROFILE="local"
    )
    assert seen == [
        "django.db.backends.sqlite3",
        "True",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_production_profile_uses_postgres_redis_and_persistent_connections():
    seen = settings_seen(
        "d['ENGINE'], d['CONN_MAX_AGE']>0, d['CONN_HEALTH_CHECKS'], s.CELERY_TASK_ALWAYS_EAGER,"
        " s.CACHES['default']['BACKEND'], s.SESSION_COOKIE_SECURE",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="x.vn",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/kbnn",
        REDIS_URL="redis://127.0.0.1:6379/0",
        SITE_URL="https://x.vn",
    )
    assert seen == [
        "django.db.backends.postgresql",  # Django's own engine, nothing swapped
        "True",
        "True",
        "False",
        "django.core.cache.backends.redis.RedisCache",
        "True",
    ]


def test_production_collectstatic_succeeds(tmp_path):
    # The manifest storage fails on any asset that references a missing file (e.g. a source map).
    result = run_manage(
        "collectstatic",
        "--noinput",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="x.vn",
        DATABASE_URL=PG,
        SITE_URL="https://x.vn",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
    assert list((tmp_path / "static" / "vendor" / "bootstrap").glob("bootstrap.min.*.css"))


def test_superusers_need_a_second_factor_in_production_only():
    production = dict(
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="x.vn",
        DATABASE_URL=PG,
        REDIS_URL="redis://127.0.0.1:6379/0",
        SITE_URL="https://x.vn",  # required in production since issue 15
    )
    assert settings_seen("s.OTP_REQUIRED_FOR_SUPERUSERS", **production) == ["True"]
    assert settings_seen("s.OTP_REQUIRED_FOR_SUPERUSERS", KBNN_PROFILE="local") == ["False"]
