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
        not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")
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


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="khaosat.example.vn")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_the_development_key():
    result = run_manage(
        "check",
        DEBUG="0",
        ALLOWED_HOSTS="x.vn",
        SECRET_KEY="django-insecure-local-development-key-not-for-production",
    )
    assert result.returncode != 0


def test_production_profile_passes_check_deploy_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="khaosat.kbnn.example.vn",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/kbnn",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr


PROFILE_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "EMAIL_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
)


def settings_seen(expressions: str, **env_overrides) -> list[str]:
    """What `kbnn_survey.settings` evaluates to under the given environment only."""
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        f"d=s.DATABASES['default'];print({expressions})"
    )
    env = {k: v for k, v in os.environ.items() if k not in PROFILE_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="kbnn_survey.settings", **env_overrides)
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


def test_embedded_default_is_sqlite_with_tasks_in_process():
    seen = settings_seen("d['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG, s.EMAIL_BACKEND")
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
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="x.vn",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/kbnn",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert seen == [
        "kbnn_survey.db.postgresql",  # Django's, its health check reading the config stamp
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
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="x.vn",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
    assert list((tmp_path / "static" / "vendor" / "bootstrap").glob("bootstrap.min.*.css"))
