import socket
import time

def attempt(what, call):
    try:
        result = call()
    except Exception as exc:
        print(what, "->", type(exc).__name__, exc)
    else:
        print(what, "->", result)

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
port = server.getsockname()[1]

attempt("connect to a closed port", lambda: socket.create_connection(("127.0.0.1", port + 1)))
probe = socket.socket()
attempt("connect_ex", lambda: probe.connect_ex(("127.0.0.1", port + 1)))
other = socket.socket()
other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
attempt("bind a port in use", lambda: other.bind(("127.0.0.1", port)))
attempt("bind it on all interfaces", lambda: other.bind(("", port)))

client = socket.create_connection(("localhost", port))
conn, _ = server.accept()
print("peer is client:", conn.getpeername() == client.getsockname())
print("client's peer:", client.getpeername() == ("127.0.0.1", port))
conn.settimeout(0.25)
start = time.monotonic()
attempt("recv with a timeout", lambda: conn.recv(10))
print("waited at least the timeout:", time.monotonic() - start >= 0.25)
conn.setblocking(False)
attempt("recv without blocking", lambda: conn.recv(10))
print("timeout", conn.gettimeout(), "blocking", conn.getblocking())
conn.setblocking(True)

client.sendall(b"line one\nline two\n")
client.shutdown(socket.SHUT_WR)
attempt("send after shutdown", lambda: client.send(b"x"))
with conn.makefile("rb") as f:
    print(f.readline())
    print(f.readline())
    print(f.readline())
attempt("recv at EOF", lambda: conn.recv(10))

conn.close()
time.sleep(0.01)
attempt("recv after the peer closed", lambda: client.recv(10))
attempt("first send after the peer closed", lambda: client.send(b"lost"))
time.sleep(0.01)
attempt("second send", lambda: client.send(b"lost"))
client.close()
attempt("send on a closed socket", lambda: client.send(b"x"))
print(client)

a = socket.create_connection(("127.0.0.1", port))
b, _ = server.accept()
a.sendall(b"unread")
time.sleep(0.01)
b.close()
time.sleep(0.01)
attempt("recv after a reset", lambda: a.recv(10))
attempt("recv again", lambda: a.recv(10))
a.close()

fresh = socket.socket()
attempt("recv unconnected", lambda: fresh.recv(1))
attempt("getpeername unconnected", fresh.getpeername)
attempt("getsockname unbound", fresh.getsockname)
attempt("accept unbound", fresh.accept)
attempt("bind elsewhere", lambda: fresh.bind(("192.0.2.1", 0)))
fresh.close()

x, y = socket.socketpair()
x.sendall(b"pair")
print(y.recv(10), x.family == socket.AF_UNIX or "inet")
x.close(); y.close()

print(socket.getaddrinfo("localhost", port, type=socket.SOCK_STREAM)[0][4] == ("127.0.0.1", port))
print(socket.gethostbyname("localhost"))
server.close()
attempt("connect after the server closed", lambda: socket.create_connection(("127.0.0.1", port)))
