"""The same case under frontrun 0.7.0 (see ../run_frontrun.py)."""
import threading

import python_http_client

from test_http_client_headers import FakeResponse, send

TRACE_PACKAGES = ["python_http_client*"]


class State:
    def __init__(self):
        self.client = python_http_client.Client(host="https://api.sendgrid.com",
                                                request_headers={"Authorization": "Bearer key"},
                                                version=3)
        self.expected = {}   # thread ident -> the request id it sent
        self.sent = {}       # thread ident -> the X-Request-Id its request carried
        self.lock = threading.Lock()


state_of_thread = {}


def make_request(self, opener, request, timeout=None):
    state_of_thread[threading.get_ident()].sent[threading.get_ident()] = \
        request.get_header("X-request-id")
    return FakeResponse()


python_http_client.Client._make_request = make_request   # the network, mocked


def worker(request_id, locked=False):
    def run(s):
        state_of_thread[threading.get_ident()] = s
        s.expected[threading.get_ident()] = request_id
        if locked:
            with s.lock:
                send(s.client, request_id)
        else:
            send(s.client, request_id)
    return run


def each_request_carries_its_own_headers(s):
    return s.sent == s.expected


CASES = {
    "test_each_request_carries_its_own_headers": dict(
        setup=State, workers=[worker("request_0"), worker("request_1")],
        invariant=each_request_carries_its_own_headers),
    "test_each_request_carries_its_own_headers_under_a_lock": dict(
        setup=State, workers=[worker("request_0", True), worker("request_1", True)],
        invariant=each_request_carries_its_own_headers),
}
