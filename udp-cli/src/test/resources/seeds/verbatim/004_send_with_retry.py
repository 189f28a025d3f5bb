import socket
import time

# 재전송 횟수
MAX_RETRIES = 5

def send_with_retry(udp_socket, message, address):
    for attempt in range(MAX_RETRIES):
        try:
            udp_socket.sendto(message.encode(), address)
            print(f"전송 성공: {message}")
            return
        except socket.error as e:
            print(f"전송 실패: {e}. 재시도 {attempt + 1}/{MAX_RETRIES}")
            time.sleep(1)
    print("최대 재시도 횟수에 도달했습니다. 전송을 포기합니다.")

# 소켓 객체 생성
udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
address = ('localhost', 12345)
send_with_retry(udp_socket, "Hello, UDP!", address)
udp_socket.close()
