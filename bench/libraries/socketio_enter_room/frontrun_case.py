"""The same case under frontrun 0.7.0 (see ../run_frontrun.py)."""
import itertools
import threading

import socketio
from socketio.base_manager import BaseManager

from test_socketio_enter_room import LockedManager, connect_and_join

TRACE_PACKAGES = ["socketio*"]


class RoomsState:
    def __init__(self):
        self.mgr = BaseManager()


def enter(sid, room, eio_sid):
    def worker(s):
        s.mgr.basic_enter_room(sid, "/chat", room, eio_sid=eio_sid)
    return worker


def both_registered(s):
    return sorted(sid for sid, _ in s.mgr.get_participants("/chat", ["room_a", "room_b"])) == \
        ["sid_a", "sid_b"]


class ServerState:
    def __init__(self, manager):
        self.server = socketio.Server(async_mode="threading", client_manager=manager)
        ids = iter(["sid_0", "sid_1"])
        self.server.eio.generate_id = lambda: next(ids)
        self.sids = {}


def client(eio_sid):
    def worker(s):
        s.sids[eio_sid] = connect_and_join(s.server, eio_sid, "lobby")
    return worker


def both_connected(s):
    m = s.server.manager
    return len(s.sids) == 2 and all(m.is_connected(sid, "/chat") for sid in s.sids.values()) \
        and sorted(e for _, e in m.get_participants("/chat", "lobby")) == ["eio_a", "eio_b"]


CASES = {
    "test_enter_room_in_fresh_namespace": dict(
        setup=RoomsState, workers=[enter("sid_a", "room_a", "eio_a"),
                                   enter("sid_b", "room_b", "eio_b")],
        invariant=both_registered),
    "test_two_clients_connect_to_fresh_namespace": dict(
        setup=lambda: ServerState(socketio.Manager()), workers=[client("eio_a"), client("eio_b")],
        invariant=both_connected),
    "test_two_clients_connect_with_locked_manager": dict(
        setup=lambda: ServerState(LockedManager()), workers=[client("eio_a"), client("eio_b")],
        invariant=both_connected),
}
