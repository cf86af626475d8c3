# The select() server of seed 002 ("scalability"), as printed but for the port, which the test passes as the first
# argument instead of the post's fixed 8080. It never drops a closed socket: once a client closes, recv() returns b''
# on every round, and the second send() to the closed socket raises and ends the server.
# seed002_select_server_intended.py is what the post means.
import select
import socket
import sys

server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_socket.bind(('localhost', int(sys.argv[1])))
server_socket.listen(5)

sockets = [server_socket]
while True:
    # 클라이언트 요청 대기
    readable, _, _ = select.select(sockets, [], [])

    for sock in readable:
        if sock == server_socket:
            # 새로운 클라이언트 연결 요청
            client_socket, addr = server_socket.accept()
            sockets.append(client_socket)
        else:
            # 클라이언트로부터 데이터 수신
            data = sock.recv(1024)

            # 수신된 데이터 처리
            # ...

            # 응답 데이터 전송
            sock.send(b"Response")
