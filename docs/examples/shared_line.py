"""Two downloads at once share the machine's line: each takes twice as long as one alone."""
import threading
import time
import urllib.request

import simconc

# A 1.25 MB file from a fast server: the tutorial-2017 machine's 10 Mbit/s line is the limit.
simconc.serve("http://files.example/big", 1_250_000, latency=0.0, bandwidth=10e6)


def download(name):
    start = time.time()
    size = len(urllib.request.urlopen("http://files.example/big").read())
    print(f"{name}: {size} bytes in {time.time() - start:.2f} s")


download("alone")
threads = [threading.Thread(target=download, args=(f"together {n}",)) for n in (1, 2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
