"""Bluetooth driver: the stopping flag is checked, then acted on, not atomically.

Ported from SCTBench: CS/bluetooth_driver_bad.c (concurrent-software-benchmarks; the KISS /
Qadeer-Wu model of a Windows NT Bluetooth driver). BCSP_IoIncrement checks stoppingFlag and then
increments pendingIo (the increment itself atomic); BCSP_PnpStop sets the flag, decrements
pendingIo and, when it reaches 0, releases the device (stopped = True). If the stop runs
between PnpAdd's check of the flag and its increment, PnpAdd does its work on a stopped device
and fails its assert(!stopped). ESBMC's atomic blocks are one lock here. In the original the
adder is the main thread; here it is a worker, started first, then the stopper.
"""
import threading

SOURCE = "SCTBench CS/bluetooth_driver_bad"
KIND = "atomicity violation"


class Device:
    def __init__(self):
        self.atomic = threading.Lock()   # __ESBMC_atomic_begin/end
        self.pending_io = 1
        self.stopping_flag = False
        self.stopping_event = False
        self.stopped = False
        self.error = None


def setup():
    return Device()


def io_increment(e):
    if e.stopping_flag:
        return -1
    with e.atomic:
        e.pending_io = e.pending_io + 1
    return 0


def io_decrement(e):
    with e.atomic:
        e.pending_io = e.pending_io - 1
        pending_io = e.pending_io
    if pending_io == 0:
        e.stopping_event = True


def pnp_add(e):
    status = io_increment(e)
    if status == 0:
        # do work here
        if e.stopped:   # BAD: assert(!stopped)
            e.error = "PnpAdd did its work on a device that was already stopped"
    io_decrement(e)


def pnp_stop(e):
    e.stopping_flag = True
    io_decrement(e)
    if e.stopping_event:
        # release allocated resource
        e.stopped = True


THREADS = [pnp_add, pnp_stop]


def invariant(s):
    return s.error is None


if __name__ == "__main__":
    state = setup()
    workers = [threading.Thread(target=f, args=(state,), name=f.__name__) for f in THREADS]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def check():
    assert invariant(state), state.error
