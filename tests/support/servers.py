"""gunicorn as ``scripts/serve.sh`` runs it (the project's ``gunicorn.conf.py``: preload, warm-up,
follower, no request-line limit), on a free loopback port, for the browser and multi-node tests."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from .paths import REPO
from .waiting import poll


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn serving ``wsgi:app`` with ``env`` (which names the archive), its output in ``log``."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 2) -> None:
        self.base = f"http://127.0.0.1:{free_port()}"
        self.log_path = log
        self.log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--config", "gunicorn.conf.py",
             "-w", str(workers), "-b", self.base.removeprefix("http://"), "wsgi:app"],
            cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def health(self) -> tuple[int, dict]:
        """``/healthz``'s status and JSON; (0, {}) while nothing answers."""
        try:
            with urllib.request.urlopen(self.base + "/healthz", timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")
        except OSError:
            return 0, {}

    def wait_ready(self, timeout: float) -> None:
        """Until ``/healthz`` answers 200 (the index is current); the log's tail if it never does."""
        if not poll(lambda: self.proc.poll() is not None or self.health()[0] == 200, timeout, 0.2) \
                or self.proc.poll() is not None:
            self.stop()
            raise RuntimeError(self.log_path.read_text(errors="replace")[-3000:])

    def stop(self) -> None:
        """Stop the server by its pid (SIGTERM, then SIGKILL after 15 s)."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
