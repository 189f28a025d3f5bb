import socket

server_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server_socket.bind(('localhost', 12345))

print("서버가 시작되었습니다.")

while True:
    data, addr = server_socket.recvfrom(1024)
    print(f"수신 메시지: {data.decode()} from {addr}")
