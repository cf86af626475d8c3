# The asyncio server of seed 002 ("scalability"), as printed but for the port, which the test passes as the first
# argument instead of the post's fixed 8080.
import asyncio
import sys

async def handle_client(reader, writer):
    while True:
        data = await reader.read(1024)
        if not data:
            break

        # 수신된 데이터 처리
        # ...

        # 응답 데이터 전송
        writer.write(b"Response")
        await writer.drain()

    writer.close()

async def main():
    server = await asyncio.start_server(
        handle_client, 'localhost', int(sys.argv[1]))

    async with server:
        await server.serve_forever()

asyncio.run(main())
