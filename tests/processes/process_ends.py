"""What a process's end does, as the OS makes it: its exit status is the low byte of what it
exited with, and the pipe ends it held close with it (a reader then gets EOFError, a writer to
a pipe nobody reads any more BrokenPipeError)."""
import multiprocessing as mp
import os
import sys


def exits(how):
    if how == "os._exit(263)":
        os._exit(263)
    sys.exit(eval(how))


class Box:
    pass


def sends_a_box(queue):
    queue.put(Box())


def sends_and_exits(reader, writer):
    reader.close()
    writer.send("hello")   # (and ends without closing its writer)


if __name__ == "__main__":
    for method in ("fork", "spawn"):
        context = mp.get_context(method)
        for how in ("True", "300", "-1", "256", "os._exit(263)"):
            process = context.Process(target=exits, args=(how,))
            process.start()
            process.join()
            print(method, how, process.exitcode)

        reader, writer = context.Pipe(duplex=False)
        process = context.Process(target=sends_and_exits, args=(reader, writer))
        process.start()
        writer.close()
        print(method, reader.recv())
        process.join()
        try:
            reader.recv()
        except EOFError:
            print(method, "EOFError: the child's end closed as it ended")

    # (a child ended is a zombie until its parent waits for it; then its pid is gone)
    process = mp.Process(target=os.getpid)
    process.start()
    process.join()
    for call in (lambda: os.kill(process.pid, 0), lambda: os.sched_getaffinity(process.pid)):
        try:
            call()
        except ProcessLookupError as exc:
            print("ProcessLookupError", exc)

    one, other = mp.Pipe()
    one.close()
    try:
        other.send("x")
    except BrokenPipeError as exc:
        print("BrokenPipeError", exc)
    reader, writer = mp.Pipe(duplex=False)
    reader.close()
    try:
        writer.send_bytes(b"x")
    except BrokenPipeError as exc:
        print("BrokenPipeError", exc)
    # (multiprocessing names the main module __mp_main__ too: what a spawned child, whose main
    # module that is, sends of its classes is of the parent's classes)
    print("__mp_main__ is __main__:", sys.modules["__mp_main__"] is sys.modules["__main__"])
    queue = mp.get_context("spawn").Queue()
    process = mp.get_context("spawn").Process(target=sends_a_box, args=(queue,))
    process.start()
    box = queue.get()
    process.join()
    print("a spawned child's Box is a Box:", type(box) is Box)
