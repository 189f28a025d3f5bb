import socket
server_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server_socket.bind(("0.0.0.0", 8888))
data, client_address = server_socket.recvfrom(1024)
print(f"Received message: {data.decode()} from {client_address}")
