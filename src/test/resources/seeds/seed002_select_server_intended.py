# The select() server of seed 002 as the post intends it: a closed client is dropped instead of written to. The one
# change from the printed code is marked; the port is the first argument.
import select
import socket
import sys

server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_socket.bind(('localhost', int(sys.argv[1])))
server_socket.listen(5)

sockets = [server_socket]
while True:
    readable, _, _ = select.select(sockets, [], [])

    for sock in readable:
        if sock == server_socket:
            client_socket, addr = server_socket.accept()
            sockets.append(client_socket)
        else:
            try:
                data = sock.recv(1024)
            except ConnectionResetError:
                data = b''
            if not data:                                            # changed: drop a closed client
                sockets.remove(sock)
                sock.close()
                continue

            sock.send(b"Response")
