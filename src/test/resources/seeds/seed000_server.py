# The server of seed 000 ("asynchronous socket programming"), as printed but for the port, which the test passes as
# the first argument instead of the post's fixed 8000. As printed it never answers: sock_accept is handed a blocking
# socket, so the loop blocks in accept() and no handler task ever runs (and awaiting sendall, which returns None,
# would fail if one did). seed000_server_intended.py is what the post means.
import asyncio
import socket
import sys

async def main():
    # 비동기 TCP 서버 소켓 생성
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server_socket.bind(('localhost', int(sys.argv[1])))
    server_socket.listen(5)

    # 비동기 이벤트 루프
    while True:
        client_socket, addr = await loop.sock_accept(server_socket)
        loop.create_task(handle_client(client_socket, addr))

async def handle_client(client_socket, addr):
    # 클라이언트와의 통신 처리
    # ...
    await client_socket.sendall(b'Hello, World!')
    client_socket.close()

loop = asyncio.get_event_loop()
loop.run_until_complete(main())
