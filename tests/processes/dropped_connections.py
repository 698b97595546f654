"""A connection dropped without close() closes, as CPython's __del__ closes it: the reader of
its pipe sees its end once the child's copy is gone too."""
import multiprocessing as mp


def writer(conn):
    conn.send("hello")


def start():
    reader, writer_end = mp.Pipe(duplex=False)
    p = mp.get_context("fork").Process(target=writer, args=(writer_end,))
    p.start()
    return reader, p   # (the parent's writer_end is dropped here)


if __name__ == "__main__":
    reader, p = start()
    print(reader.recv())
    p.join()
    try:
        reader.recv()
    except EOFError:
        print("EOFError: every writer is gone")
    a, b = mp.Pipe()
    del b
    try:
        a.recv()
    except EOFError:
        print("EOFError at once")
