import socket
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.connect(('${HOST}', ${PORT}))
while True:
    msg = input("->")
    sock.send(msg.encode())
    data = sock.recv(1024)
    print(data.decode())
sock.close()
