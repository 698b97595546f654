"""A process started while an asyncio loop runs (from a coroutine, a task's callback's context
in force): the child's memory is a copy of the running loop's, its tasks and contexts too."""
import asyncio
import concurrent.futures
import contextvars
import multiprocessing as mp

request = contextvars.ContextVar("request", default="none")
seen = []


def child(queue):
    seen.append("child")
    queue.put((request.get(), seen))


def square(n):
    return n * n


async def main():
    request.set("main's")
    queue = mp.Queue()
    process = mp.get_context("fork").Process(target=child, args=(queue,))
    process.start()
    print("the child saw", queue.get())
    process.join()
    print("exit code", process.exitcode, "seen here", seen)
    loop = asyncio.get_running_loop()
    with concurrent.futures.ProcessPoolExecutor(
            2, mp_context=mp.get_context("fork")) as pool:
        squares = await asyncio.gather(*(loop.run_in_executor(pool, square, n) for n in range(4)))
    print("squares", squares)


if __name__ == "__main__":
    asyncio.run(main())
