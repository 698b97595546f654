"""A busy-wait: the spinner computes until main, which waits for the GIL, gets it after a switch
interval and sets the flag (under the ideal profile, where Python is free, it never would)."""
import threading

done = False


def spin():
    while not done:
        pass


threading.Thread(target=spin, name="spinner").start()
done = True
