"""Messages bigger than a pipe holds (64 KiB): the writer waits as its reader reads."""
import multiprocessing as mp

def f(q, conn):
    q.put("X" * 1000000)
    conn.send_bytes(b"y" * 200000)
    conn.send(list(range(50000)))

if __name__ == "__main__":
    q = mp.Queue()
    a, b = mp.Pipe()
    p = mp.Process(target=f, args=(q, b))
    p.start()
    print(len(q.get()), len(a.recv_bytes()), len(a.recv()), a.poll())
    p.join()
    print(p.exitcode)
