"""A forked child goes on in the thread that forked: its ident, its Thread object, the locks it
held; its parent's other threads are stopped in it, and what they held stays held."""
import multiprocessing as mp
import threading
from concurrent.futures import ThreadPoolExecutor

R = threading.RLock()
L = threading.Lock()
HELD_BY_OTHER = threading.Lock()
local = threading.local()
others_hold = threading.Event()
let_go = threading.Event()


def other() -> None:
    with HELD_BY_OTHER:
        others_hold.set()
        let_go.wait()


def child(ident: int, others: threading.Thread) -> None:
    me = threading.current_thread()
    print("child thread", me.name, me is threading.main_thread(), me.is_alive(),
          threading.get_ident() == ident, me.ident == ident)
    print("its local", getattr(local, "value", None))
    print("enumerate", [t.name for t in threading.enumerate()])
    print("R owned", R._is_owned(), "again", R.acquire(blocking=False),
          repr(R).split()[3] == f"owner={ident}")
    R.release()
    R.release()
    print("R after", R._is_owned(), repr(R).split()[0])
    print("L", L.locked())
    L.release()
    print("L after", L.locked())
    print("other", others.is_alive(), "stopped" in repr(others))
    others.join()
    print("joined at once; what it held", HELD_BY_OTHER.locked(),
          HELD_BY_OTHER.acquire(blocking=False))
    HELD_BY_OTHER.release()
    print("released in the child", HELD_BY_OTHER.locked())


def starter(others: threading.Thread) -> None:
    local.value = "the forking thread's"
    with R, L:
        p = mp.get_context("fork").Process(target=child, args=(threading.get_ident(), others))
        p.start()
        p.join()
    print("parent: child's exit code", p.exitcode, "R", repr(R).split()[0], "other alive",
          others.is_alive())


def forked_from_a_worker() -> int:
    # (the child's threading._shutdown joins the pool's threads: its own, the worker that
    # forked, which it cannot; the error is lost and the child ends with status 1)
    p = mp.get_context("fork").Process(target=print, args=("child of a worker",))
    p.start()
    p.join()
    return p.exitcode


if __name__ == "__main__":
    others = threading.Thread(target=other, name="Other")
    others.start()
    others_hold.wait()
    t = threading.Thread(target=starter, args=(others,), name="Starter")
    t.start()
    t.join()
    let_go.set()
    others.join()
    with ThreadPoolExecutor(1) as executor:
        print("worker's child exit code", executor.submit(forked_from_a_worker).result())
