"""Two pages of a declared site, fetched by two threads: their waits overlap."""
import threading
import time
import urllib.request

import simconc

simconc.serve("http://api.example.test/users", 2_000, latency=0.3, bandwidth=100_000)
simconc.serve("http://api.example.test/orders", 50_000, latency=0.3, bandwidth=100_000)


def fetch(path):
    start = time.monotonic()
    with urllib.request.urlopen("http://api.example.test" + path) as response:
        body = response.read()
    print(f"{path}: {response.status}, {len(body)} bytes in {time.monotonic() - start:.2f} s")


threads = [threading.Thread(target=fetch, args=(path,)) for path in ("/users", "/orders")]
for t in threads:
    t.start()
for t in threads:
    t.join()
