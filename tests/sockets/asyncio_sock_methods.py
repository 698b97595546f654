# The loop's sock_* methods on a socketpair: sock_recv waits until the other end sends.
import asyncio
import socket


async def main():
    a, b = socket.socketpair()
    a.setblocking(False)
    b.setblocking(False)
    loop = asyncio.get_running_loop()

    async def later():
        await asyncio.sleep(0.1)
        await loop.sock_sendall(b, b"ping")

    task = asyncio.create_task(later())
    print(await loop.sock_recv(a, 10))
    await task
    b.close()
    print(await loop.sock_recv(a, 10))
    a.close()


asyncio.run(main())
