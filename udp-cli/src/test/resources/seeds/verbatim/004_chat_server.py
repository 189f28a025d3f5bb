import socket

# 서버 설정
server_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server_socket.bind(('localhost', 12345))

clients = set()

print("채팅 서버가 시작되었습니다.")

while True:
    data, addr = server_socket.recvfrom(1024)
    if addr not in clients:
        clients.add(addr)
    print(f"수신 메시지: {data.decode()} from {addr}")

    # 클라이언트에 메시지 브로드캐스트
    for client in clients:
        if client != addr:
            server_socket.sendto(data, client)
