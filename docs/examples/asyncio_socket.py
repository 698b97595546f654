"""asyncio's streams on the simulated machine's loopback: an echo server and two clients."""
import asyncio


async def handle(reader, writer):
    while line := await reader.readline():
        writer.write(line.upper())
        await writer.drain()
    writer.close()
    await writer.wait_closed()


async def client(port, name):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for word in ("hello", "bye"):
        writer.write(f"{word} from {name}\n".encode())
        await writer.drain()
        print(name, "got", (await reader.readline()).decode().strip())
        await asyncio.sleep(0.1)
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        await asyncio.gather(client(port, "ann"), client(port, "bob"))


asyncio.run(main())
