"""python-socketio 5.16.3: a client's room registration is lost.

``BaseManager.basic_enter_room`` (socketio/base_manager.py:112) creates the namespace's dict
lazily: ``if namespace not in self.rooms: self.rooms[namespace] = {}``. ``Manager``, the
in-memory manager, takes no lock, and under ``async_mode='threading'`` each client's events are
handled on a thread of its own. Two clients entering rooms of a namespace nobody used yet can
both see it missing; the second ``self.rooms[namespace] = {}`` replaces the dict the first had
just registered its client in, and that client silently receives no broadcast to its room.
"""
import threading

import pytest

from socketio.base_manager import BaseManager
import socketio


def run_all(*targets):
    threads = [threading.Thread(target=t, name=f"client_{i}") for i, t in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@pytest.mark.explore
def test_enter_room_in_fresh_namespace():
    # frontrun's case study, as it is written there: two clients enter two rooms of "/chat".
    mgr = BaseManager()
    run_all(lambda: mgr.basic_enter_room("sid_a", "/chat", "room_a", eio_sid="eio_a"),
            lambda: mgr.basic_enter_room("sid_b", "/chat", "room_b", eio_sid="eio_b"))
    assert sorted(sid for sid, _ in mgr.get_participants("/chat", ["room_a", "room_b"])) == \
        ["sid_a", "sid_b"]


class LockedManager(socketio.Manager):
    """The fix an application makes (python-socketio#596): the room operations under a lock."""

    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()

    def basic_enter_room(self, sid, namespace, room, eio_sid=None):
        with self.lock:
            super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)


def connect_and_join(server, eio_sid, room):
    # What the server does when a client connects to "/chat" and a handler puts it in a room
    # (Server._handle_connect -> manager.connect; a handler's sio.enter_room).
    sid = server.manager.connect(eio_sid, "/chat")
    server.enter_room(sid, room, namespace="/chat")
    return sid


def two_clients(manager):
    server = socketio.Server(async_mode="threading", client_manager=manager)
    # engine.io makes session ids from os.urandom; a test wants the same ids every run.
    server.eio.generate_id = lambda: "sid_" + threading.current_thread().name
    sids = {}
    run_all(lambda: sids.update(a=connect_and_join(server, "eio_a", "lobby")),
            lambda: sids.update(b=connect_and_join(server, "eio_b", "lobby")))
    assert server.manager.is_connected(sids["a"], "/chat")
    assert server.manager.is_connected(sids["b"], "/chat")
    assert sorted(eio for _, eio in server.manager.get_participants("/chat", "lobby")) == \
        ["eio_a", "eio_b"]


@pytest.mark.explore
def test_two_clients_connect_to_fresh_namespace():
    two_clients(socketio.Manager())


@pytest.mark.explore
def test_two_clients_connect_with_locked_manager():
    two_clients(LockedManager())
