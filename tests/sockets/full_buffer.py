# A send into a peer's full receive buffer waits until the peer reads.
import socket
import threading
import time

server = socket.create_server(("127.0.0.1", 0))
port = server.getsockname()[1]
sent = threading.Event()

def sender():
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"x" * 4_000_000)
        sent.set()

t = threading.Thread(target=sender)
t.start()
conn, _ = server.accept()
time.sleep(0.2)
print("sent before the reader read:", sent.is_set())
total = 0
while chunk := conn.recv(65536):
    total += len(chunk)
t.join()
print("received", total, "bytes; sender done:", sent.is_set())
conn.close()
server.close()
