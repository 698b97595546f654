import asyncio

async def handle(reader, writer):
    while line := await reader.readline():
        writer.write(line.upper())
        await writer.drain()
    writer.close()
    await writer.wait_closed()

async def client(port, name):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for i in range(2):
        writer.write(f"{name} says {i}\n".encode())
        await writer.drain()
        print(name, (await reader.readline()).decode().strip())
    writer.close()
    await writer.wait_closed()

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        await asyncio.gather(client(port, "a"), client(port, "b"))
    print("done")

asyncio.run(main())
