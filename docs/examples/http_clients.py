"""The pages of a site fetched three ways: http.client over HTTPS, urllib.request's opener from
four threads, and a bare socket. Each reaches the simulated network's site, at its times."""
import http.client
import socket
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import simconc

simconc.serve("https://api.example.test/*", 40_000, latency=0.2, bandwidth=1_000_000)

start = time.monotonic()
connection = http.client.HTTPSConnection("api.example.test", timeout=5)
for path in ("/users", "/orders"):   # (one connection, kept alive: one request after the other)
    connection.request("GET", path)
    answer = connection.getresponse()
    print(f"{path}: {answer.status}, {len(answer.read())} bytes, "
          f"at {time.monotonic() - start:.2f} s")
connection.close()


def fetch(path):
    with urllib.request.build_opener().open("https://api.example.test" + path) as page:
        return len(page.read())


start = time.monotonic()
with ThreadPoolExecutor(4) as pool:
    sizes = list(pool.map(fetch, ["/a", "/b", "/c", "/d"]))
print(f"4 pages in 4 threads: {sizes}, in {time.monotonic() - start:.2f} s")

with socket.create_connection(("api.example.test", 80)) as s:
    print("by hand:", s.getpeername())
    s.sendall(b"HEAD / HTTP/1.1\r\nHost: api.example.test\r\nConnection: close\r\n\r\n")
    print(s.recv(1024).decode().splitlines()[:3])
