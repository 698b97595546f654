"""A producer and a consumer task on an asyncio.Queue of two places, under an asyncio.Lock."""
import asyncio


async def producer(queue):
    for item in range(4):
        await queue.put(item)   # waits while the queue is full
        print("put", item)
    await queue.put(None)


async def consumer(queue, lock):
    while (item := await queue.get()) is not None:
        async with lock:
            await asyncio.sleep(0.5)   # the work of one item
            print("got", item)


async def main():
    queue, lock = asyncio.Queue(maxsize=2), asyncio.Lock()
    await asyncio.gather(producer(queue), consumer(queue, lock))


asyncio.run(main())
