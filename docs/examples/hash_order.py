"""A thread per name in a set of strings: the set's order, and so which thread is Thread-1,
depends on the interpreter's hash salt (PYTHONHASHSEED)."""
import threading

names = {"alpha", "delta", "lambda"}
done = []


def greet(name):
    done.append(f"{threading.current_thread().name}={name}")


threads = [threading.Thread(target=greet, args=(name,)) for name in names]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(" ".join(done))
