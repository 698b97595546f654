# Two clients connect to one server: the order it accepts them is the scheduler's.
import socket
import threading

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
port = server.getsockname()[1]

def client(name):
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(name.encode())

threads = [threading.Thread(target=client, args=(name,)) for name in "ab"]
for t in threads:
    t.start()
order = []
for _ in threads:
    conn, _ = server.accept()
    with conn:
        order.append(conn.recv(10).decode())
for t in threads:
    t.join()
server.close()
print(" ".join(order))
