import socket

# 소켓 객체 생성
udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

# 전송할 주소와 포트
address = ('localhost', 12345)

# 전송할 데이터
message = "Hello, UDP!"

# 데이터 전송
udp_socket.sendto(message.encode(), address)

print("데이터를 전송했습니다.")
