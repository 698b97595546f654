"""A selector with nothing registered waits its timeout and finds nothing; closed, an epoll
selector refuses to wait, the others wait again."""
import selectors
import time

for cls in (selectors.DefaultSelector, selectors.SelectSelector, selectors.PollSelector):
    selector = cls()
    started = time.monotonic()
    found = selector.select(0.25)
    print(cls.__name__, found, 0.25 <= time.monotonic() - started < 1, selector.select(0),
          selector.select(-1))
    selector.close()
    try:
        print("closed:", selector.select(0.01))
    except ValueError as e:
        print("closed:", type(e).__name__, e)
