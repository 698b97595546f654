"""asyncio on the simulated clock: three downloads at once, one of them too slow."""
import asyncio


async def download(name, seconds):
    loop = asyncio.get_running_loop()
    print(f"{loop.time():5.2f} {name}: start")
    await asyncio.sleep(seconds)   # waiting for the network
    print(f"{loop.time():5.2f} {name}: done")
    return f"{name} ({seconds} s)"


async def main():
    pages = await asyncio.gather(download("a", 1), download("b", 2), download("c", 1.5))
    print(pages)
    try:
        await asyncio.wait_for(download("slow", 10), timeout=3)
    except asyncio.TimeoutError:
        print(f"{asyncio.get_running_loop().time():5.2f} gave up on slow")


asyncio.run(main())
