# The server of seed 000 as the post intends it: on accept, send "Hello, World!" and close, reading nothing. The two
# changes from the printed code are marked; the port is the first argument.
import asyncio
import socket
import sys

async def main():
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server_socket.bind(('localhost', int(sys.argv[1])))
    server_socket.listen(5)
    server_socket.setblocking(False)                                # changed: asyncio needs a non-blocking socket

    while True:
        client_socket, addr = await loop.sock_accept(server_socket)
        loop.create_task(handle_client(client_socket, addr))

async def handle_client(client_socket, addr):
    await loop.sock_sendall(client_socket, b'Hello, World!')        # changed: the loop's sendall, which is awaitable
    client_socket.close()

loop = asyncio.new_event_loop()
loop.run_until_complete(main())
