# The TCP client of seed 003 ("socket programming and multithreading"), unchanged but for the port, which the test
# passes as the first argument instead of the post's fixed 8888.
import socket
import sys

server_address = ('localhost', int(sys.argv[1]))

# 소켓 생성
client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

# 서버에 연결
client_socket.connect(server_address)

try:
    # 데이터 전송
    message = "Hello, Server!"
    client_socket.sendall(message.encode())

    # 데이터 수신
    data = client_socket.recv(1024)
    print("Received:", data.decode())

finally:
    # 소켓 종료
    client_socket.close()
