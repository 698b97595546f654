import socket
import threading

def handle(conn):
    with conn:
        while True:
            data = conn.recv(1024)
            if not data:
                break
            conn.sendall(data.upper())

def serve(server, clients):
    threads = []
    for _ in range(clients):
        conn, addr = server.accept()
        t = threading.Thread(target=handle, args=(conn,))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()

def client(port, name, results):
    with socket.create_connection(("localhost", port)) as sock:
        sock.sendall(f"hello from {name}".encode())
        sock.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := sock.recv(4):
            reply += chunk
        results[name] = reply.decode()

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 0))
server.listen()
port = server.getsockname()[1]
results = {}
st = threading.Thread(target=serve, args=(server, 2))
st.start()
cs = [threading.Thread(target=client, args=(port, n, results)) for n in ("a", "b")]
for c in cs: c.start()
for c in cs: c.join()
st.join()
server.close()
for name in sorted(results):
    print(name, results[name])
print(server)
