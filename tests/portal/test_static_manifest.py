"""Production settings fail clearly: a missing or stale static manifest is a start-up error that names
``collectstatic`` (``check --deploy`` and gunicorn's boot), never a 500 on every page."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.test import override_settings

from portal.checks import collectable_static_files, raise_on_static_manifest_errors, static_manifest_errors

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def write_manifest(static_root: Path, paths: set[str]) -> None:
    manifest = {"paths": {path: path for path in sorted(paths)}, "version": "1.1", "hash": "test"}
    (static_root / "staticfiles.json").write_text(json.dumps(manifest), encoding="utf-8")


def error_ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_without_a_manifest_storage_there_is_nothing_to_check():
    # given the test settings' plain StaticFilesStorage (dev and test), then no error
    assert static_manifest_errors() == []
    raise_on_static_manifest_errors()


def test_a_missing_manifest_is_an_error_naming_collectstatic(tmp_path):
    # given production's manifest storage and a STATIC_ROOT where collectstatic never ran
    with override_settings(STORAGES=MANIFEST_STORAGE, STATIC_ROOT=tmp_path):
        errors = static_manifest_errors()
        # then one error says what is missing and how to fix it
        assert error_ids(errors) == ["portal.E011"]
        assert str(tmp_path / "staticfiles.json") in errors[0].msg
        assert "collectstatic" in errors[0].hint
        # and the start-up guard refuses with the same words
        with pytest.raises(Exception, match="collectstatic") as raised:
            raise_on_static_manifest_errors()
        assert type(raised.value).__name__ == "ImproperlyConfigured"


def test_the_check_runs_with_deploy_only(tmp_path, db):
    # given the missing manifest
    with override_settings(STORAGES=MANIFEST_STORAGE, STATIC_ROOT=tmp_path):
        # then `check --deploy` reports it, while plain checks (collectstatic, migrate, qcluster) do not
        assert "portal.E011" in error_ids(checks.run_checks(include_deployment_checks=True))
        assert "portal.E011" not in error_ids(checks.run_checks(include_deployment_checks=False))
        assert "portal.E011" not in error_ids(checks.run_checks(tags=[checks.Tags.staticfiles]))


def test_a_complete_manifest_passes(tmp_path):
    # given a manifest with every file the finders know
    write_manifest(tmp_path, collectable_static_files())
    with override_settings(STORAGES=MANIFEST_STORAGE, STATIC_ROOT=tmp_path):
        # then nothing is reported
        assert static_manifest_errors() == []


def test_a_stale_manifest_names_the_missing_files(tmp_path):
    # given a manifest from an older release: one file of this release is not in it
    files = collectable_static_files()
    assert "css/portal.css" in files
    write_manifest(tmp_path, files - {"css/portal.css"})
    with override_settings(STORAGES=MANIFEST_STORAGE, STATIC_ROOT=tmp_path):
        errors = static_manifest_errors()
    # then the error names the file and collectstatic
    assert error_ids(errors) == ["portal.E013"]
    assert "1 static files are missing" in errors[0].msg
    assert "css/portal.css" in errors[0].msg
    assert "collectstatic" in errors[0].hint


def test_an_unreadable_manifest_is_an_error(tmp_path):
    (tmp_path / "staticfiles.json").write_text("{not json", encoding="utf-8")
    with override_settings(STORAGES=MANIFEST_STORAGE, STATIC_ROOT=tmp_path):
        errors = static_manifest_errors()
    assert error_ids(errors) == ["portal.E012"]
    assert "collectstatic" in errors[0].hint


def prod_environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_") and key != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        **extra,
    )
    return env


def test_gunicorn_with_production_settings_refuses_to_boot_without_the_manifest(tmp_path):
    # given production settings and a STATIC_ROOT where collectstatic never ran
    (tmp_path / "static").mkdir()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    # when gunicorn starts
    result = subprocess.run(
        [str(gunicorn), "portal.wsgi:application", "--bind", "127.0.0.1:0", "--workers", "1"],
        cwd=ROOT,
        env=prod_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then it exits (no worker serves 500s), and its log names the missing manifest and collectstatic
    assert result.returncode != 0
    assert "Worker failed to boot" in result.stderr
    assert "staticfiles.json is missing" in result.stderr
    assert "manage.py collectstatic --noinput" in result.stderr


def test_check_deploy_with_production_settings_fails_without_the_manifest(tmp_path):
    (tmp_path / "static").mkdir()
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=prod_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "portal.E011" in result.stderr
    assert "collectstatic" in result.stderr
