# The blocking server of seed 002 ("scalability"), as printed but for the port, which the test passes as the first
# argument instead of the post's fixed 8080.
import socket
import sys

# 서버 소켓 생성
server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_socket.bind(('localhost', int(sys.argv[1])))
server_socket.listen(5)

while True:
    # 연결 요청 대기
    client_socket, addr = server_socket.accept()

    # 클라이언트로부터 데이터 수신
    data = client_socket.recv(1024)

    # 수신된 데이터 처리
    # ...

    # 응답 데이터 전송
    client_socket.send(b"Response")

    # 소켓 연결 종료
    client_socket.close()
