import socket
import socketserver
import threading

class Upper(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            self.wfile.write(line.upper())

def ask(port, text):
    with socket.create_connection(("127.0.0.1", port)) as sock, sock.makefile("rwb") as f:
        f.write(text.encode() + b"\n")
        f.flush()
        return f.readline().decode().strip()

with socketserver.ThreadingTCPServer(("127.0.0.1", 0), Upper) as server:
    port = server.server_address[1]
    serving = threading.Thread(target=server.serve_forever)
    serving.start()
    print(ask(port, "first"))
    print(ask(port, "second"))
    server.shutdown()
    serving.join()
print("stopped")
