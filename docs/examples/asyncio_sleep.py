"""asyncio's event loop: not simulated yet."""
import asyncio


async def main():
    await asyncio.sleep(0.1)
    print("done")


asyncio.run(main())
