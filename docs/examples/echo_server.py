"""A threaded echo server and two clients, on the simulated machine's loopback."""
import socket
import threading
import time


def handle(conn, addr):
    with conn:
        while data := conn.recv(1024):
            print(f"server: {data.decode()!r} from a client")
            conn.sendall(data.upper())


def serve(server, clients):
    for _ in range(clients):
        conn, addr = server.accept()
        threading.Thread(target=handle, args=(conn, addr)).start()


def client(port, name):
    with socket.create_connection(("localhost", port)) as sock:
        for word in ("hello", "bye"):
            sock.sendall(f"{word} from {name}".encode())
            print(f"{name} got {sock.recv(1024).decode()!r}")
            time.sleep(0.1)


server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen()
port = server.getsockname()[1]
serving = threading.Thread(target=serve, args=(server, 2))
serving.start()

clients = [threading.Thread(target=client, args=(port, name)) for name in ("ann", "bob")]
for c in clients:
    c.start()
for c in clients:
    c.join()
serving.join()
server.close()

try:
    socket.create_connection(("127.0.0.1", port))
except ConnectionRefusedError as exc:
    print("after close:", exc)
