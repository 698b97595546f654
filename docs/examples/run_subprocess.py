"""A worker thread starts a real process: refused, since it would run outside the simulation."""
import subprocess
import threading


def worker():
    subprocess.run(["echo", "hello from a real process"])


t = threading.Thread(target=worker)
t.start()
t.join()
print("after")
