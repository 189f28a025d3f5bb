import socket
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.bind(('127.0.0.1', Port))
sock.listen()
con, addr = sock.accept()
while True:
    data = con.recv(1024).decode()
    if not data:
        break
    capitalized = data.upper()
    con.send(capitalized.encode())
sock.close()
