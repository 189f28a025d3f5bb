import socket

# 소켓 객체 생성
udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
address = ('localhost', 12345)

def send_message(message):
    try:
        udp_socket.sendto(message.encode(), address)
        print(f"전송 성공: {message}")
    except socket.error as e:
        print(f"전송 실패: {e}")

# 메시지 전송
send_message("Hello, UDP!")
udp_socket.close()
