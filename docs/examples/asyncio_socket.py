"""asyncio waiting on a real socket: refused, it would block the simulation."""
import asyncio
import socket


async def main():
    mine, theirs = socket.socketpair()
    mine.setblocking(False)
    data = await asyncio.get_running_loop().sock_recv(mine, 100)
    print(data)


asyncio.run(main())
