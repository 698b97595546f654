import multiprocessing as mp
from multiprocessing import shared_memory


def child(name):
    shm = shared_memory.SharedMemory(name=name)
    shm.buf[0] = 7
    shm.buf[1] += 1
    print("child sees", bytes(shm.buf[:3]), shm.size >= 16)
    shm.close()


if __name__ == "__main__":
    shm = shared_memory.SharedMemory(create=True, size=16)
    shm.buf[1] = 41
    for method in ("fork", "spawn"):
        p = mp.get_context(method).Process(target=child, args=(shm.name,))
        p.start(); p.join()
        print(method, shm.buf[0], shm.buf[1], p.exitcode)
    sl = shared_memory.ShareableList([1, 2.5, "three", b"four", None])
    def bump(name):
        other = shared_memory.ShareableList(name=name)
        other[0] += 10
        other.shm.close()
    p = mp.Process(target=bump, args=(sl.shm.name,)); p.start(); p.join()
    print(list(sl))
    sl.shm.close(); sl.shm.unlink()
    try:
        shared_memory.SharedMemory(name="/nobody_made_this")
    except FileNotFoundError as e:
        print("missing:", e)
    shm.close(); shm.unlink()
    try:
        shm.unlink()
    except FileNotFoundError as e:
        print("unlinked twice:", type(e).__name__)
    print(len(shm.name), shm.name.startswith("/psm_") or shm.name.startswith("psm_"))
