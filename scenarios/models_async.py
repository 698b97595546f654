"""The asynchronous model: three asyncio tasks on one thread, taking turns at their waits.

The tutorial's section 1.3: the tasks interleave, but in one thread: a task runs until it awaits
(a download, here asyncio.sleep), and the event loop runs another that is ready. The same tasks
as models_sync.py; like the threads of models_threaded.py they finish in about the time of one,
with no thread but the main one (each task is a lane of its own in the timeline).
"""
import asyncio
import time

ROW = 1


def work(n):
    """The task's own computing, between its waits."""
    total = 0
    for i in range(n):
        total += i * i
    return total


async def download(name, part):
    await asyncio.sleep(0.5)   # waiting for the network: the task is suspended, the loop free


async def task(name):
    for part in range(2):
        work(400_000)
        await download(name, part)
    print(f"task {name} done at {time.monotonic() - start:.1f} s")


async def main():
    await asyncio.gather(*(task(name) for name in "ABC"))


start = time.monotonic()
asyncio.run(main())
print(f"all done in {time.monotonic() - start:.1f} s")
