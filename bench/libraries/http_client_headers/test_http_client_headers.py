"""python_http_client 3.3.7 (the HTTP layer of sendgrid 6.x): one request sent with another's headers.

sendgrid's documented pattern is one ``SendGridAPIClient`` reused for every request. Each
``client.mail.send`` builds a child ``Client`` with ``_build_client``, which hands it the same
``request_headers`` dict (client.py:157, no copy), and a call with per-request headers writes
them into that shared dict (``_update_headers``, client.py:145) before building its
``urllib.Request`` from it (client.py:245). Two threads sending at once with their own headers
(an ``On-Behalf-Of`` subuser, an ``Authorization`` override, an ``X-`` header) can each send
the other's: thread A writes its header, thread B writes its own over it, thread A builds its
request from the dict, now holding B's.

The network is mocked: ``Client._make_request`` (the method the library separates out "so we
can mock it easily for testing") returns a canned response and keeps the request that would
have been sent.
"""
import threading

import pytest

import python_http_client


class Sent:
    """What _make_request was asked to send, by the thread that asked."""

    def __init__(self):
        self.headers = {}


class FakeResponse:
    def getcode(self):
        return 202

    def read(self):
        return b""

    def info(self):
        return {}


def run_all(*targets):
    threads = [threading.Thread(target=t, name=f"request_{i}") for i, t in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@pytest.fixture
def sent(monkeypatch):
    record = Sent()

    def make_request(self, opener, request, timeout=None):
        record.headers[threading.current_thread().name] = request.get_header("X-request-id")
        return FakeResponse()

    monkeypatch.setattr(python_http_client.Client, "_make_request", make_request)
    return record


def send(client, request_id):
    client.mail.send.post(request_body={"subject": "hello"},
                          request_headers={"X-Request-Id": request_id})


@pytest.mark.explore
def test_each_request_carries_its_own_headers(sent):
    sent.headers.clear()   # (the fixture is made once, for every execution of the test)
    client = python_http_client.Client(host="https://api.sendgrid.com",
                                       request_headers={"Authorization": "Bearer key"},
                                       version=3)
    run_all(lambda: send(client, "request_0"), lambda: send(client, "request_1"))
    assert sorted(sent.headers.items()) == [("request_0", "request_0"), ("request_1", "request_1")]


def send_locked(lock, client, request_id):
    # The fixed variant: the update of the shared headers and the request built from them
    # under one lock, as an application sharing the client has to do.
    with lock:
        send(client, request_id)


@pytest.mark.explore
def test_each_request_carries_its_own_headers_under_a_lock(sent):
    sent.headers.clear()   # (the fixture is made once, for every execution of the test)
    client = python_http_client.Client(host="https://api.sendgrid.com",
                                       request_headers={"Authorization": "Bearer key"},
                                       version=3)
    lock = threading.Lock()
    run_all(lambda: send_locked(lock, client, "request_0"),
            lambda: send_locked(lock, client, "request_1"))
    assert sorted(sent.headers.items()) == [("request_0", "request_0"), ("request_1", "request_1")]
