# The server of seed 001 ("asyncio streams"), as printed but for the port, which the test passes as the first argument
# instead of the post's fixed 8888.
import asyncio
import sys

async def handle_client(reader, writer):
    data = await reader.read(100)
    message = data.decode()
    addr = writer.get_extra_info('peername')
    print(f"Received {message} from {addr}")

    writer.write("Echo: ".encode() + data)
    await writer.drain()
    writer.close()

async def start_server():
    server = await asyncio.start_server(
        handle_client, "127.0.0.1", int(sys.argv[1]))

    addr = server.sockets[0].getsockname()
    print(f"Serving on {addr}")

    async with server:
        await server.serve_forever()

asyncio.run(start_server())
