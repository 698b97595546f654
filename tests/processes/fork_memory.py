import multiprocessing as mp
import sys

counter = 0
items = []


class Box:
    def __init__(self):
        self.n = 0

    def bump(self):
        global counter
        self.n += 1
        counter += 100
        return self.n


box = Box()


def work(n):
    global counter
    counter += n
    items.append(n)
    box.bump()
    print(mp.current_process().name, "counter", counter, "items", items, "box", box.n,
          "parent", mp.parent_process().name, "daemon", mp.current_process().daemon)
    sys.stdout.flush()


def fail():
    raise ValueError("boom")


def leave(code):
    sys.exit(code)


if __name__ == "__main__":
    counter = 10
    items.append("parent")
    ps = [mp.Process(target=work, args=(i,)) for i in (1, 2)]
    print([p.name for p in ps], ps[0].is_alive(), ps[0].exitcode)
    for p in ps:
        p.start()
        p.join()
    print("parent counter", counter, items, box.n, [p.exitcode for p in ps],
          [p.is_alive() for p in ps], mp.parent_process(), mp.active_children())
    p = mp.Process(target=fail, name="failing")
    p.start(); p.join()
    print("failing exit", p.exitcode)
    p = mp.Process(target=leave, args=(3,))
    p.start(); p.join()
    print("leave exit", p.exitcode, p.name)
    d = mp.Process(target=work, args=(5,), daemon=True)
    d.start(); d.join()
    print(d.daemon, d.exitcode)
    try:
        ps[0].start()
    except AssertionError as e:
        print("AssertionError", e)
