# A forked child accepts on its parent's listener; a child that ends without closing its socket
# closes it (its peer reads the end); the listener closes with its last handle.
import multiprocessing as mp
import socket

def worker(server, n):
    conn, _ = server.accept()
    with conn:
        conn.sendall(f"worker {n} says {conn.recv(10).decode()}".encode())

def leaver(port):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"bye")   # and exits without closing

if __name__ == "__main__":
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    ctx = mp.get_context("fork")
    p = ctx.Process(target=worker, args=(server, 1))
    p.start()
    with socket.create_connection(("127.0.0.1", port)) as c:
        c.sendall(b"hi")
        print(c.recv(100))
    p.join()
    q = ctx.Process(target=leaver, args=(port,))
    q.start()
    conn, _ = server.accept()
    q.join()
    print(conn.recv(10), conn.recv(10))
    conn.close()
    server.close()
    try:
        socket.create_connection(("127.0.0.1", port))
    except OSError as exc:
        print("after the children ended and the server closed:", exc)
