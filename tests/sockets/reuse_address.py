# SO_REUSEADDR as Linux has it: a port still held by a connection a closed listener accepted.
import socket

def attempt(what, call):
    try:
        call()
        print(what, "-> ok")
    except OSError as exc:
        print(what, "->", exc)

def listener(reuse, port=0):
    s = socket.socket()
    if reuse:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen()
    return s

for reuse in (False, True):
    server = listener(reuse)
    port = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    conn, _ = server.accept()
    server.close()
    attempt(f"reuse={reuse}: listen again while a connection holds the port",
            lambda: listener(reuse, port).close())
    conn.close()
    client.close()

a = socket.socket(); a.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
b = socket.socket(); b.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
a.bind(("127.0.0.1", 0))
port = a.getsockname()[1]
attempt("a second bind with SO_REUSEADDR, neither listening", lambda: b.bind(("127.0.0.1", port)))
attempt("the first listens", a.listen)
attempt("the second listens", b.listen)
a.close(); b.close()
