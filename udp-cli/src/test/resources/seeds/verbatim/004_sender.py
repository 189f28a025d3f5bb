import socket

# 소켓 객체 생성
udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

# 전송할 주소와 포트
address = ('localhost', 12345)

while True:
    # 전송할 데이터 입력
    message = input("전송할 메시지를 입력하세요 (종료하려면 'q' 입력): ")

    # 'q'를 입력하면 루프 종료
    if message == 'q':
        print("전송을 종료합니다.")
        break

    # 데이터 전송
    udp_socket.sendto(message.encode(), address)
    print(f"전송 메시지: {message}")

# 소켓 닫기
udp_socket.close()
