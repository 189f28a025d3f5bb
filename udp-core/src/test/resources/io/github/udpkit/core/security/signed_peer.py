"""A Python peer for udpkit's signed messages (docs/PROTOCOL.md section 14), over real UDP.

Usage: signed_peer.py CONTEXT JAVA_PORT SEED_HEX RECEIVE_COUNT [PAYLOAD_HEX ...]

Binds 127.0.0.1:0 and prints "PORT n". Receives RECEIVE_COUNT datagrams and, for each, verifies it
with cryptography's Ed25519 and prints "OK name sequence payload_hex" or "BAD reason". Then signs
each PAYLOAD_HEX as "python" with the key of SEED_HEX, sequence numbers from 1, sends it to
127.0.0.1:JAVA_PORT and prints "SENT n". Exits after a bounded wait for datagrams.
"""
import socket
import struct
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

LABEL = b"udpkit signed message v1\x00"
MAGIC = b"\xf5\x73"


def to_be_signed(context, name, key, sequence, payload):
    return (LABEL + bytes([len(context)]) + context + bytes([len(name)]) + name + key
            + struct.pack(">Q", sequence) + payload)


def parse(datagram):
    if len(datagram) < 108 or datagram[:2] != MAGIC or datagram[2] != 1:
        raise ValueError("not a signed message")
    n = datagram[3]
    if n > 64 or len(datagram) < 108 + n:
        raise ValueError("bad name length")
    name = datagram[4:4 + n]
    key = datagram[4 + n:36 + n]
    (sequence,) = struct.unpack(">Q", datagram[36 + n:44 + n])
    signature = datagram[44 + n:108 + n]
    return name, key, sequence, signature, datagram[108 + n:]


def main():
    context = sys.argv[1].encode("utf-8")
    java_port = int(sys.argv[2])
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(sys.argv[3]))
    receive_count = int(sys.argv[4])
    payloads = [bytes.fromhex(p) for p in sys.argv[5:]]

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(30)
    print("PORT %d" % sock.getsockname()[1], flush=True)

    for _ in range(receive_count):
        datagram, _ = sock.recvfrom(65535)
        try:
            name, key, sequence, signature, payload = parse(datagram)
            Ed25519PublicKey.from_public_bytes(key).verify(
                signature, to_be_signed(context, name, key, sequence, payload))
            print("OK %s %d %s" % (name.decode("utf-8"), sequence, payload.hex()), flush=True)
        except (ValueError, InvalidSignature) as e:
            print("BAD %s" % (type(e).__name__,), flush=True)

    key = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    name = b"python"
    for sequence, payload in enumerate(payloads, start=1):
        signature = private.sign(to_be_signed(context, name, key, sequence, payload))
        datagram = MAGIC + b"\x01" + bytes([len(name)]) + name + key + struct.pack(">Q", sequence) + signature + payload
        sock.sendto(datagram, ("127.0.0.1", java_port))
    print("SENT %d" % len(payloads), flush=True)


if __name__ == "__main__":
    main()
