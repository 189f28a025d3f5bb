import socket

# 소켓 객체 생성
udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

# 소켓 바인딩
udp_socket.bind(('localhost', 12345))

print("데이터 수신 대기 중...")

while True:
    # 데이터 수신
    data, addr = udp_socket.recvfrom(1024)

    # 'q'가 수신되면 루프 종료
    if data.decode() == 'q':
        print("수신을 종료합니다.")
        break

    print(f"수신 메시지: {data.decode()}")
    print(f"송신원 주소: {addr}")

# 소켓 닫기
udp_socket.close()
