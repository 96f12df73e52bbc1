"""Webhooks against a real receiver (an HTTP server on a free loopback port): batches of
the change feed, signed with HMAC-SHA256, retried on failure, logged, delivered once."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from alliance.services.webhooks import SIGNATURE_HEADER, Deliverer, verify
from tests.api.support import Api, ApiFactory, assert_problem


class Receiver:
    """Records every POST; answers `failures` 500s before it answers 200."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.failures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server hook's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()},
                                          body))
                status = 500 if receiver.failures > 0 else 200
                receiver.failures -= 1
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                del args

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.server.shutdown()


def _subscribe(api: Api, url: str) -> dict[str, Any]:
    response = api.post("/v1/webhooks", "admin", json={"url": url})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _write(api: Api, name: str) -> None:
    response = api.request("PATCH", "/v1/parks/park:suzhou-sip", "staff:write",
                           json={"name_en": name})
    assert response.status_code == 200


def _deliverer(api: Api) -> Deliverer:
    access = api.app.state.access
    return Deliverer(access.webhooks, access.audit, backoff_seconds=0.0)


def test_signed_batches_delivered_once(api_factory: ApiFactory, receiver: Receiver) -> None:
    api = api_factory(webhook_poll_seconds=0)
    hook = _subscribe(api, receiver.url)
    _write(api, "Hooked once")
    _write(api, "Hooked twice")
    deliverer = _deliverer(api)
    assert deliverer.run_once() == 2
    assert deliverer.run_once() == 0  # nothing new: nothing sent again
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert verify(hook["secret"], body, headers[SIGNATURE_HEADER.lower()])
    assert not verify("another secret", body, headers[SIGNATURE_HEADER.lower()])
    sent = json.loads(body)
    assert [item["entity"]["properties"]["name_en"] for item in sent["items"]] == [
        "Hooked once", "Hooked twice"]
    assert sent["items"] == api.get("/v1/changes", params={
        "cursor": hook["cursor"]}).json()["items"]
    listed = api.get("/v1/webhooks", "admin").json()
    assert listed[0]["cursor"] == sent["next_cursor"]
    assert "secret" not in listed[0]
    deliverer.close()


def test_failures_are_retried_and_logged(api_factory: ApiFactory, receiver: Receiver) -> None:
    api = api_factory(webhook_poll_seconds=0)
    hook = _subscribe(api, receiver.url)
    _write(api, "Retried")
    receiver.failures = 2
    deliverer = _deliverer(api)
    assert deliverer.run_once() == 1
    log = api.get(f"/v1/webhooks/{hook['id']}/deliveries", "admin").json()
    assert [(entry["attempt"], entry["status"], entry["ok"]) for entry in reversed(log)] == [
        (1, 500, False), (2, 500, False), (3, 200, True)]
    deliverer.close()


def test_an_unreachable_receiver_keeps_the_cursor(api_factory: ApiFactory,
                                                  receiver: Receiver) -> None:
    api = api_factory(webhook_poll_seconds=0)
    hook = _subscribe(api, receiver.url)
    receiver.server.shutdown()
    receiver.server.server_close()
    _write(api, "Nobody home")
    deliverer = _deliverer(api)
    assert deliverer.run_once() == 0
    log = api.get(f"/v1/webhooks/{hook['id']}/deliveries", "admin").json()
    assert len(log) == 3
    assert all(entry["status"] is None and entry["error"] for entry in log)
    assert api.get("/v1/webhooks", "admin").json()[0]["cursor"] == hook["cursor"]
    deliverer.close()


def test_the_server_delivers_by_itself(api_factory: ApiFactory, receiver: Receiver) -> None:
    api = api_factory(webhook_poll_seconds=0.1)
    _subscribe(api, receiver.url)
    _write(api, "Pushed")
    deadline = time.monotonic() + 10
    while not receiver.received and time.monotonic() < deadline:
        time.sleep(0.05)
    assert receiver.received


def test_webhooks_are_admin_only_and_checked(api: Api) -> None:
    assert_problem(api.post("/v1/webhooks", "staff:write", json={"url": "https://x.example"}),
                   403)
    assert_problem(api.post("/v1/webhooks", "admin", json={"url": "ftp://x.example/a"}), 422,
                   "body.url")
    assert_problem(api.request("DELETE", "/v1/webhooks/nope", "admin"), 404)
