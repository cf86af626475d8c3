# The server of seed 003 ("sockets and threads"), as printed but for the port, which the test passes as the first
# argument instead of the post's fixed 8888.
import socket
import sys
import threading

def handle_client(client_socket):
    try:
        # 데이터 수신
        data = client_socket.recv(1024)
        print("Received:", data.decode())

        # 데이터 전송
        message = "Hello, Client!"
        client_socket.sendall(message.encode())
    finally:
        # 클라이언트 소켓 종료
        client_socket.close()

# 서버 주소
server_address = ('localhost', int(sys.argv[1]))

# 소켓 생성
server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

# 포트에 바인딩
server_socket.bind(server_address)

# 연결 대기
server_socket.listen(5)
print("Server is listening on", server_address)

while True:
    # 클라이언트 연결 수락
    client_socket, client_address = server_socket.accept()
    print("Connected with", client_address)

    # 클라이언트 처리를 위한 스레드 생성
    client_thread = threading.Thread(target=handle_client, args=(client_socket,))
    client_thread.start()
