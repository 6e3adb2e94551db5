"""Production settings: `check --deploy` is clean, and nothing starts without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "CAIRN_DEBUG": "0",
    "CAIRN_SECRET_KEY": "a-production-like-key-" + "x7Qp" * 12,
    "CAIRN_ALLOWED_HOSTS": "cairn.example.sch.uk",
    "CAIRN_HTTPS": "1",
    "DATABASE_URL": f"sqlite:///{ROOT / 'var' / 'check-deploy.sqlite3'}",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CAIRN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={"CAIRN_ENV_FILE": "", **clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_no_production_default_for_the_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "CAIRN_SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "CAIRN_SECRET_KEY must be set" in result.stderr


def test_a_short_secret_key_is_refused():
    result = _manage("check", env={**PRODUCTION, "CAIRN_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_a_bad_boolean_names_the_variable():
    result = _manage("check", env={**PRODUCTION, "CAIRN_HTTPS": "maybe"})
    assert result.returncode != 0
    assert "CAIRN_HTTPS='maybe' is not a yes/no value" in result.stderr


def test_a_checkout_env_file_lets_commands_run_without_exported_settings(tmp_path):
    """After `make demo` writes `.env`, the README's management commands run as written."""
    env_file = tmp_path / ".env"
    env_file.write_text("# the demo\nCAIRN_DEBUG=1\n\n", encoding="utf-8")
    result = _manage("list_detectors", env={"CAIRN_ENV_FILE": str(env_file)})
    assert result.returncode == 0, result.stderr
    assert "CAIRN_SECRET_KEY must be set" not in result.stderr
    assert result.stdout.strip()


def test_the_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("CAIRN_DEBUG=1\n", encoding="utf-8")
    env = {k: v for k, v in PRODUCTION.items() if k != "CAIRN_SECRET_KEY"}
    result = _manage("check", env={**env, "CAIRN_ENV_FILE": str(env_file)})
    assert result.returncode != 0
    assert "CAIRN_SECRET_KEY must be set" in result.stderr


def test_a_malformed_env_file_names_its_line(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("CAIRN_DEBUG=1\nnot a setting\n", encoding="utf-8")
    result = _manage("check", env={"CAIRN_ENV_FILE": str(env_file)})
    assert result.returncode != 0
    assert f"{env_file}, line 2: expected NAME=value." in result.stderr
