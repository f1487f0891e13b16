"""Smoke test of what `make lab` serves: a real Jupyter server on a free loopback port.

The server is started with the same command line as `python -m gmmlib lab`
(plus an empty token), in its own process group, and always stopped.
"""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import websocket

from gmmlib.tools.lab import INDEX, lab_command

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url, method="GET", timeout=10):
    request = urllib.request.Request(url, method=method, data=b"{}" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, json.loads(response.read() or b"null")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    home = tmp_path_factory.mktemp("jupyter-home")
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTER_CONFIG_DIR=str(home / "config"))
    cmd = lab_command(ROOT, port, no_browser=True, extra=[
        "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True"])
    log = open(home / "server.log", "w+")
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get_json(f"{base}/api/status", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"Jupyter did not start (exit code {process.poll()}):\n{log.read()[-3000:]}")
            time.sleep(0.3)
        yield base
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


def test_contents_api_lists_every_lesson(server):
    status, listing = get_json(f"{server}/api/contents/notebooks")
    assert status == 200
    served = sorted(item["name"] for item in listing["content"] if item["type"] == "notebook")
    assert served == LESSONS and len(LESSONS) >= 8


def test_lab_opens_on_the_course_index(server):
    with urllib.request.urlopen(f"{server}/lab/tree/{INDEX}", timeout=10) as response:
        assert response.status == 200
        assert b"JupyterLab" in response.read()


def test_kernel_starts_and_executes_a_cell_with_gmmlib(server):
    status, kernel = get_json(f"{server}/api/kernels", method="POST")
    assert status == 201
    ws = websocket.create_connection(
        f"{server.replace('http', 'ws')}/api/kernels/{kernel['id']}/channels", timeout=30
    )
    try:
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                       "session": uuid.uuid4().hex, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": "import gmmlib\nprint(gmmlib.__version__, "
                                "f\"{gmmlib.mvn_pdf([[160, 55]], [162, 57], [[10, 0], [0, 10]])[0]:.4f}\")",
                        "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }))
        printed, deadline = "", time.monotonic() + 60
        while time.monotonic() < deadline:
            message = json.loads(ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "stream":
                printed += message["content"]["text"]
            if message["msg_type"] == "error":
                pytest.fail("\n".join(message["content"]["traceback"]))
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                break
        import gmmlib

        assert printed.strip() == f"{gmmlib.__version__} 0.0107"
    finally:
        ws.close()
        urllib.request.urlopen(
            urllib.request.Request(f"{server}/api/kernels/{kernel['id']}", method="DELETE"), timeout=10
        )
