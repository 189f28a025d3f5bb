from cryptography.fernet import Fernet

# 키 생성
key = Fernet.generate_key()
cipher = Fernet(key)

# 메시지 암호화
message = "Hello, UDP!"
encrypted_message = cipher.encrypt(message.encode())

# 메시지 복호화
decrypted_message = cipher.decrypt(encrypted_message).decode()

print(f"암호화된 메시지: {

encrypted_message}")
print(f"복호화된 메시지: {decrypted_message}")
