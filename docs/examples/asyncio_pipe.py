"""asyncio waiting on a real pipe: refused, it would block the simulation."""
import asyncio
import os


async def main():
    readable, writable = os.pipe()
    asyncio.get_running_loop().add_reader(readable, print, "readable")
    await asyncio.sleep(1)


asyncio.run(main())
