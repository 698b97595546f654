"""A busy-wait: pure Python takes no simulated time, so this thread never lets main run."""
import threading

done = False


def spin():
    while not done:
        pass


threading.Thread(target=spin, name="spinner").start()
done = True
