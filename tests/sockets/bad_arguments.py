# What a socket says to arguments it cannot take: CPython's errors.
import socket
s = socket.socket()
for call in (lambda: s.recv("a"), lambda: s.send("text"), lambda: s.bind("x"), lambda: s.bind(("127.0.0.1", 70000)),
             lambda: s.settimeout(-1), lambda: s.settimeout("a"), lambda: s.connect(("127.0.0.1", "80")),
             lambda: s.recv_into(bytearray(2), 5), lambda: s.recv(-1)):
    try:
        call()
    except Exception as e:
        print(type(e).__name__, e)
s.close()
