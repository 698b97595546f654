"""botocore 1.31.15: ``KeyError: 'credential_provider'`` when two threads use one session.

``Session`` registers most of its components lazily (``credential_provider``, ``data_loader``,
``endpoint_resolver``...). ``ComponentLocator.get_component`` (botocore/session.py) is a
check-then-act on its ``_deferred`` dict::

    if name in self._deferred:
        factory = self._deferred[name]
        self._components[name] = factory()
        del self._deferred[name]

Two threads asking for the same component for the first time both see it deferred, both call
the factory, and the second ``del self._deferred[name]`` raises ``KeyError``: the famous
``KeyError: 'endpoint_resolver'`` / ``'credential_provider'`` of ``boto3.client(...)`` called
from threads (boto/boto3#801, boto/boto3#1592, boto/botocore#1776). Fixed in botocore 1.31.16
by boto/botocore#2985 (the ``del`` under ``try/except KeyError``); sessions are still documented
as not thread-safe, but ``boto3.client()`` uses one shared default session.
"""
import threading

import pytest

import botocore.session


def run_all(*targets):
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def get(session, name, got):
    got.append(session.get_component(name))


@pytest.mark.explore
def test_two_threads_get_a_lazy_component():
    session = botocore.session.Session()
    got = []
    run_all(lambda: get(session, "data_loader", got), lambda: get(session, "data_loader", got))
    assert len(got) == 2   # neither thread died of KeyError


@pytest.mark.explore
def test_two_threads_get_a_lazy_component_under_a_lock():
    # The fixed variant: the first use of the shared session serialized by the application.
    session = botocore.session.Session()
    lock = threading.Lock()
    got = []

    def locked():
        with lock:
            get(session, "data_loader", got)

    run_all(locked, locked)
    assert len(got) == 2 and got[0] is got[1]
