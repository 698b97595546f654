import select
import selectors
import socket

server = socket.create_server(("127.0.0.1", 0))
port = server.getsockname()[1]
a = socket.create_connection(("127.0.0.1", port))
b = socket.create_connection(("127.0.0.1", port))
a_srv, _ = server.accept()
b_srv, _ = server.accept()
names = {a_srv: "a", b_srv: "b"}
print(select.select([a_srv, b_srv], [], [], 0.1))
b.sendall(b"from b")
r, w, x = select.select([a_srv, b_srv], [a_srv], [], 1.0)
print([names[s] for s in r], [names[s] for s in w])
print(b_srv.recv(100))
a.sendall(b"from a")
a.close()
poller = select.poll()
poller.register(a_srv, select.POLLIN)
poller.register(b_srv, select.POLLIN)
print([(fd == a_srv.fileno(), ev) for fd, ev in poller.poll(1000)])
with selectors.DefaultSelector() as sel:
    sel.register(a_srv, selectors.EVENT_READ, "a")
    sel.register(b_srv, selectors.EVENT_READ, "b")
    for key, events in sel.select(timeout=1):
        print(key.data, events, key.fileobj.recv(100))
    print([key.data for key, _ in sel.select(timeout=0.05)])
for s in (a_srv, b_srv, b, server):
    s.close()

# epoll, level-triggered, as select.poll
server = socket.create_server(("127.0.0.1", 0))
c = socket.create_connection(server.getsockname())
s, _ = server.accept()
with select.epoll() as ep:
    ep.register(s.fileno(), select.EPOLLIN)
    print(ep.poll(0.05))
    c.sendall(b"x")
    print([(fd == s.fileno(), ev) for fd, ev in ep.poll(1)])
    print([(fd == s.fileno(), ev) for fd, ev in ep.poll(1)])
    try:
        ep.register(s.fileno(), select.EPOLLIN)
    except OSError as exc:
        print(type(exc).__name__, exc)
    ep.unregister(s)
    try:
        ep.unregister(s)
    except OSError as exc:
        print(type(exc).__name__, exc)
print(ep.closed)
for x in (c, s, server):
    x.close()
