"""gunicorn with production settings, with and without ``preload_app``: every worker opens its own database
connections, so concurrent requests never share a socket (tests/system/conftest.py, portal/forking.py)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.system.conftest import ROOT, database_url, figure, wait_for

# one xdist worker collects the static files once (the module fixture) for every case
pytestmark = [pytest.mark.system, pytest.mark.xdist_group("gunicorn")]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    env = {**os.environ, **prod_env(root)}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    return root


def prod_env(static_root: Path) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
        "DJANGO_SECRET_KEY": "system-test-secret-key-" + "x" * 40,
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }


@pytest.mark.parametrize("preload", [False, True], ids=["per-worker app", "preload_app"])
def test_gunicorn_workers_serve_concurrent_requests_on_their_own_connections(
    transactional_db, static_root, preload, tmp_path
):
    # Given gunicorn with the deployment's configuration and production settings, two workers
    port = free_port()
    args = f"--bind 127.0.0.1:{port} --workers 2 --worker-tmp-dir {tmp_path}" + (" --preload" if preload else "")
    env = {
        **os.environ,
        **prod_env(static_root),
        "DATABASE_URL": database_url(),
        "PORTAL_APP_DIR": str(ROOT),
        "GUNICORN_CMD_ARGS": args,
        "PYTHONPATH": str(ROOT),
    }
    log = tmp_path / "gunicorn.log"
    proc = subprocess.Popen(
        [str(GUNICORN), "--config", str(ROOT / "deploy" / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"

        def get(path: str) -> int:
            try:
                with urllib.request.urlopen(base + path, timeout=30) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        wait_for(lambda: _answers(base), 60, "gunicorn answers", step=0.2)
        # When 8 clients send 240 requests that each query the database
        paths = ["/healthz", "/api/v1/rankings/", "/policies/", "/"] * 60
        started = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(get, paths))
        elapsed = time.monotonic() - started
        # Then every one succeeds, and no worker logged a database error
        assert statuses.count(200) == len(paths), {s: statuses.count(s) for s in set(statuses)}
        text = log.read_text(errors="replace")
        assert "Error" not in text and "Traceback" not in text, text[-3000:]
        figure(
            f"gunicorn prod settings {'preload' if preload else 'no preload'}: {len(paths)} requests, "
            f"0 errors, {len(paths) / elapsed:.0f} req/s with 8 clients"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=40)


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False
