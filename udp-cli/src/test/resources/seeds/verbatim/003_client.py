import socket
client_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
message = "Hello server!"
client_socket.sendto(message.encode(), ("127.0.0.1", 8888))
