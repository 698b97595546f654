"""The tutorial's three pages fetched by aiohttp, in one thread: the waits overlap."""
import asyncio
import time

import aiohttp

URLS = ["https://example.com/", "http://httpbin.org/", "https://api.github.com/"]


async def fetch(session, url):
    start = time.monotonic()
    async with session.get(url) as response:
        body = await response.read()
    print(f"{url}: {response.status}, {len(body)} bytes in {time.monotonic() - start:.2f} s")


async def main():
    start = time.monotonic()
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(fetch(session, url) for url in URLS))
    print(f"all three in {time.monotonic() - start:.2f} s")


asyncio.run(main())
