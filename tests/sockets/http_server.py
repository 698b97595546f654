import http.client
import http.server
import threading

class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"hello {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
t = threading.Thread(target=server.serve_forever)
t.start()
for path in ("/a", "/b"):
    conn = http.client.HTTPConnection("localhost", server.server_address[1])
    conn.request("GET", path)
    response = conn.getresponse()
    print(response.status, response.read())
    conn.close()
server.shutdown()
t.join()
server.server_close()
