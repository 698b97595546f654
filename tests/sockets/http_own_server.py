import http.client
import http.server
import threading
import urllib.error
import urllib.request


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/missing":
            self.send_error(404)
            return
        body = f"hello {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


# (bound to every address, as `python -m http.server` is: the server looks the machine up by
# its name)
server = http.server.ThreadingHTTPServer(("", 0), Hello)
port = server.server_address[1]
serving = threading.Thread(target=server.serve_forever)
serving.start()

pages = {}


def fetch(path):
    with urllib.request.urlopen(f"http://localhost:{port}{path}", timeout=5) as response:
        pages[path] = (response.status, response.read())


fetchers = [threading.Thread(target=fetch, args=(f"/{n}",)) for n in range(3)]
for t in fetchers:
    t.start()
for t in fetchers:
    t.join()
for path in sorted(pages):
    print(path, pages[path])
for path in ("/a", "/b"):   # (http.client, as urllib uses it)
    connection = http.client.HTTPConnection("localhost", port)
    connection.request("GET", path)
    response = connection.getresponse()
    print(response.status, response.read())
    connection.close()
try:
    urllib.request.urlopen(f"http://127.0.0.1:{port}/missing")
except urllib.error.HTTPError as exc:
    print("HTTPError:", exc)
server.shutdown()
serving.join()
server.server_close()
try:
    urllib.request.urlopen(f"http://localhost:{port}/")
except urllib.error.URLError as exc:
    print("URLError:", exc)
