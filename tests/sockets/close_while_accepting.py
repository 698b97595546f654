# Linux: closing a socket that another thread waits in accept() on leaves it listening until
# that accept returns (the call holds the file); the next accept finds the descriptor closed.
import socket
import threading
import time

server = socket.create_server(("127.0.0.1", 0))
port = server.getsockname()[1]

def serve():
    conn, _ = server.accept()
    print("accepted after the close:", conn.recv(10))
    conn.close()
    try:
        server.accept()
    except OSError as exc:
        print("next accept:", type(exc).__name__, exc)

t = threading.Thread(target=serve)
t.start()
time.sleep(0.1)
server.close()
print("closed:", server)
with socket.create_connection(("127.0.0.1", port)) as sock:
    sock.sendall(b"late")
    t.join()
try:
    socket.create_connection(("127.0.0.1", port))
except OSError as exc:
    print("then:", type(exc).__name__, exc)
