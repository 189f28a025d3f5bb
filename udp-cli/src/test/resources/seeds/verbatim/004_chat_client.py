import socket
import threading

def receive_messages(udp_socket):
    while True:
        data, addr = udp_socket.recvfrom(1024)
        print(f"수신 메시지: {data.decode()}")

# 클라이언트 설정
client_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server_address = ('localhost', 12345)

# 수신 스레드 시작
threading.Thread(target=receive_messages, args=(client_socket,), daemon=True).start()

print("채팅 클라이언트가 시작되었습니다.")

while True:
    message = input("전송 메시지: ")
    if message == 'q':
        print("채팅을 종료합니다.")
        break
    client_socket.sendto(message.encode(), server_address)

client_socket.close()
