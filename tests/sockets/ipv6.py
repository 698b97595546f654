# IPv6 loopback, a dual-stack listener, and the names of loopback.
import socket
s = socket.create_server(("::1", 0), family=socket.AF_INET6)
port = s.getsockname()[1]
c = socket.create_connection(("::1", port))
conn, addr = s.accept()
print(addr[0], conn.getsockname()[0], c.getpeername()[0], len(addr), conn.family, c.family)
c.close(); conn.close(); s.close()
d = socket.create_server(("", 0), family=socket.AF_INET6, dualstack_ipv6=True)
port = d.getsockname()[1]
c = socket.create_connection(("127.0.0.1", port))
conn, addr = d.accept()
print(addr[0], conn.getsockname()[0], c.getpeername()[0], c.getsockname()[0])
try:
    socket.socket().bind(("127.0.0.1", port))
except OSError as e:
    print(e)
print(socket.has_dualstack_ipv6())
for s_ in (c, conn, d): s_.close()
print(sorted(set(a[4][0] for a in socket.getaddrinfo(None, 80, flags=socket.AI_PASSIVE))))
print(socket.gethostbyaddr("127.0.0.1"), socket.gethostbyname_ex("localhost"))
