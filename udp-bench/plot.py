#!/usr/bin/env python3
"""Render a udpkit benchmark JSON report into one PNG: throughput as ratio bars against the raw
DatagramChannel baseline of the same run, and round-trip latency percentiles on a log scale.

Usage:
    python3 udp-bench/plot.py REPORT.json [OUT.png] [--note TEXT]

REPORT.json is what `udpkit bench --json` or udp-bench's Compare `--json` writes; OUT.png defaults
to docs/bench.png at the repository root. Only Python's standard library is used (the PNG is
drawn and encoded here, with a built-in 5x7 pixel font), so it runs on any machine with python3,
where matplotlib is not installed and PyPI cannot be reached.
"""

import json
import math
import os
import struct
import sys
import zlib

# 5x7 glyphs, one byte per column, least significant bit at the top (the classic LCD font).
FONT = {
    ' ': (0x00, 0x00, 0x00, 0x00, 0x00), '0': (0x3E, 0x51, 0x49, 0x45, 0x3E), '1': (0x00, 0x42, 0x7F, 0x40, 0x00),
    '2': (0x42, 0x61, 0x51, 0x49, 0x46), '3': (0x21, 0x41, 0x45, 0x4B, 0x31), '4': (0x18, 0x14, 0x12, 0x7F, 0x10),
    '5': (0x27, 0x45, 0x45, 0x45, 0x39), '6': (0x3C, 0x4A, 0x49, 0x49, 0x30), '7': (0x01, 0x71, 0x09, 0x05, 0x03),
    '8': (0x36, 0x49, 0x49, 0x49, 0x36), '9': (0x06, 0x49, 0x49, 0x29, 0x1E), 'A': (0x7E, 0x11, 0x11, 0x11, 0x7E),
    'B': (0x7F, 0x49, 0x49, 0x49, 0x36), 'C': (0x3E, 0x41, 0x41, 0x41, 0x22), 'D': (0x7F, 0x41, 0x41, 0x22, 0x1C),
    'E': (0x7F, 0x49, 0x49, 0x49, 0x41), 'F': (0x7F, 0x09, 0x09, 0x09, 0x01), 'G': (0x3E, 0x41, 0x49, 0x49, 0x7A),
    'H': (0x7F, 0x08, 0x08, 0x08, 0x7F), 'I': (0x00, 0x41, 0x7F, 0x41, 0x00), 'J': (0x20, 0x40, 0x41, 0x3F, 0x01),
    'K': (0x7F, 0x08, 0x14, 0x22, 0x41), 'L': (0x7F, 0x40, 0x40, 0x40, 0x40), 'M': (0x7F, 0x02, 0x0C, 0x02, 0x7F),
    'N': (0x7F, 0x04, 0x08, 0x10, 0x7F), 'O': (0x3E, 0x41, 0x41, 0x41, 0x3E), 'P': (0x7F, 0x09, 0x09, 0x09, 0x06),
    'Q': (0x3E, 0x41, 0x51, 0x21, 0x5E), 'R': (0x7F, 0x09, 0x19, 0x29, 0x46), 'S': (0x46, 0x49, 0x49, 0x49, 0x31),
    'T': (0x01, 0x01, 0x7F, 0x01, 0x01), 'U': (0x3F, 0x40, 0x40, 0x40, 0x3F), 'V': (0x1F, 0x20, 0x40, 0x20, 0x1F),
    'W': (0x3F, 0x40, 0x38, 0x40, 0x3F), 'X': (0x63, 0x14, 0x08, 0x14, 0x63), 'Y': (0x07, 0x08, 0x70, 0x08, 0x07),
    'Z': (0x61, 0x51, 0x49, 0x45, 0x43), '.': (0x00, 0x60, 0x60, 0x00, 0x00), ',': (0x00, 0x50, 0x30, 0x00, 0x00),
    ':': (0x00, 0x36, 0x36, 0x00, 0x00), '-': (0x08, 0x08, 0x08, 0x08, 0x08), '(': (0x00, 0x1C, 0x22, 0x41, 0x00),
    ')': (0x00, 0x41, 0x22, 0x1C, 0x00), '[': (0x00, 0x7F, 0x41, 0x41, 0x00), ']': (0x00, 0x41, 0x41, 0x7F, 0x00),
    '/': (0x20, 0x10, 0x08, 0x04, 0x02), '%': (0x23, 0x13, 0x08, 0x64, 0x62), '+': (0x08, 0x08, 0x3E, 0x08, 0x08),
    '=': (0x14, 0x14, 0x14, 0x14, 0x14), '_': (0x40, 0x40, 0x40, 0x40, 0x40), '<': (0x08, 0x14, 0x22, 0x41, 0x00),
    '>': (0x00, 0x41, 0x22, 0x14, 0x08), '|': (0x00, 0x00, 0x7F, 0x00, 0x00), '*': (0x14, 0x08, 0x3E, 0x08, 0x14),
    "'": (0x00, 0x05, 0x03, 0x00, 0x00), '"': (0x00, 0x07, 0x00, 0x07, 0x00), '?': (0x02, 0x01, 0x51, 0x09, 0x06),
    '#': (0x14, 0x7F, 0x14, 0x7F, 0x14), '!': (0x00, 0x00, 0x5F, 0x00, 0x00), ';': (0x00, 0x56, 0x36, 0x00, 0x00),
}
SCALE = 2                      # pixels per font dot
ADVANCE = 6 * SCALE            # 5 dots and a gap
LINE = 11 * SCALE

WHITE = (255, 255, 255)
INK = (40, 40, 40)
GRID = (220, 220, 220)
BASE = (120, 120, 120)
PALETTE = {                    # bar colour by what is measured
    'DatagramChannel': (110, 110, 110),
    'udpkit': (31, 119, 180),
    'TCP': (214, 120, 30),
    'Aeron': (44, 150, 44),
    'Netty': (150, 90, 180),
}


class Canvas:
    def __init__(self, width, height):
        self.width, self.height = width, height
        self.pixels = bytearray(WHITE * (width * height))

    def rect(self, x, y, w, h, colour):
        x0, y0 = max(0, int(x)), max(0, int(y))
        x1, y1 = min(self.width, int(x + w)), min(self.height, int(y + h))
        if x1 <= x0 or y1 <= y0:
            return
        row = bytes(colour) * (x1 - x0)
        for yy in range(y0, y1):
            start = (yy * self.width + x0) * 3
            self.pixels[start:start + len(row)] = row

    def text(self, x, y, s, colour=INK):
        """Draws text in capitals; characters the font lacks are drawn as '?'."""
        for ch in s.upper().replace('\u00b5', 'U'):
            columns = FONT.get(ch, FONT['?'])
            for cx, bits in enumerate(columns):
                for cy in range(7):
                    if bits >> cy & 1:
                        self.rect(x + cx * SCALE, y + cy * SCALE, SCALE, SCALE, colour)
            x += ADVANCE
        return x

    def png(self):
        raw = bytearray()
        stride = self.width * 3
        for y in range(self.height):
            raw.append(0)  # filter: none
            raw += self.pixels[y * stride:(y + 1) * stride]

        def chunk(kind, data):
            body = kind + data
            return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body) & 0xFFFFFFFF)

        header = struct.pack('>IIBBBBB', self.width, self.height, 8, 2, 0, 0, 0)
        return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(bytes(raw), 9))
                + chunk(b'IEND', b''))


def colour_of(mode):
    for name, colour in PALETTE.items():
        if mode.startswith(name):
            return colour
    return INK


def label_of(record):
    """The row's mode and size, and its transport when a udpkit row ran on another than the JDK's channel."""
    transport = record.get('transport')
    on = ' [%s]' % transport if record['mode'].startswith('udpkit') and transport not in (None, 'jdk') else ''
    return '%s %s B%s' % (record['mode'], record['payloadBytes'], on)


def datagram_of(record):
    """The mean datagram size the sender reached, for the rows that report it (udpkit's)."""
    size = record.get('datagramBytes')
    return '  DGRAM {:,} B'.format(int(round(size))) if size else ''


def fmt_rate(value):
    if value is None:
        return '-'
    if value >= 1e6:
        return '%.2fM/S' % (value / 1e6)
    return '%.0fK/S' % (value / 1e3)


def fmt_us(value):
    if value is None:
        return '-'
    return '%.0f' % value if value >= 100 else '%.1f' % value


def load(path):
    with open(path, encoding='utf-8') as f:
        records = json.load(f)
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ValueError('%s is not a JSON array of records' % path)
    return records


def render(records, note=None):
    throughput = [r for r in records if r.get('scenario') == 'throughput' and not r.get('failure')]
    latency = [r for r in records if r.get('scenario') == 'round-trip' and not r.get('failure')]
    failed = [r for r in records if r.get('failure')]

    throughput_values = ['%.2fX  %s  LOSS %.1f%%%s' % (r.get('ratioToBaseline') or 0, fmt_rate(r.get('messagesPerSecond')),
                                                        100 * (r.get('lossRatio') or 0), datagram_of(r))
                         for r in throughput]
    latency_values = ['%s / %s / %s  (%sX P50)' % (
        fmt_us(r.get('p50Micros')), fmt_us(r.get('p99Micros')), fmt_us(r.get('p999Micros')),
        '-' if r.get('ratioToBaseline') is None else '%.2f' % r['ratioToBaseline']) for r in latency]
    labels = [label_of(r) for r in throughput] + ['%s %s' % (r['mode'], r['wait']) for r in latency]
    label_w = (max([len(t) for t in labels] + [10]) + 2) * ADVANCE
    value_w = (max([len(t) for t in throughput_values + latency_values] + [10]) + 2) * ADVANCE
    row_h = 30
    plot_x = 30 + label_w
    plot_w = 800
    width = plot_x + plot_w + 12 + value_w + 30
    first = records[0] if records else {}
    footer = ['%s  JDK %s  %s CORES  %s' % (first.get('date', '?'), first.get('runtime') or first.get('jdk', '?'),
                                           first.get('cores', '?'), first.get('os', '?')),
              'COMMAND: %s' % first.get('command', '?')]
    transports = {}
    for r in records:
        transports.setdefault(r.get('transport') or 'jdk', set()).add(r['mode'].split(',')[0])
    footer.append('TRANSPORTS: ' + '; '.join('%s: %s' % (t, ', '.join(sorted(m))) for t, m in sorted(transports.items())))
    framed = [r for r in records if r.get('maxDatagramBytes') and r['mode'].startswith('udpkit')]
    sizes = sorted({(r['payloadBytes'], r['maxDatagramBytes']) for r in framed if 'path MTU' not in r['mode']})
    if sizes:
        footer.append('UDPKIT FRAMED MODES: ' + ', '.join('%s B MESSAGES IN DATAGRAMS OF AT MOST %s B' % s for s in sizes))
    ceilings = sorted({r['maxDatagramBytes'] for r in framed if 'path MTU' in r['mode']})
    if ceilings:
        footer.append('PATH MTU ROWS: DISCOVERY SEARCHES UP TO %s B; DGRAM = MEAN DATAGRAM SIZE SENT'
                      % ', '.join(str(c) for c in ceilings))
    shares = sorted(r['otherCpuShare'] for r in records if r.get('otherCpuShare') is not None)
    if shares:
        footer.append("OTHER PROCESSES' CPU WHILE THE ROWS RAN: MEDIAN %.0f%%, MAX %.0f%% OF ALL CORES"
                      % (100 * shares[len(shares) // 2], 100 * shares[-1]))
    footer += ['FAILED %s: %s' % (r.get('id'), r.get('failure')) for r in failed]
    if note:
        footer.append(note)
    per_line = max(20, (width - 60) // ADVANCE)
    wrapped = []
    for line in footer:
        colour = (200, 30, 30) if line.startswith('FAILED') or line == note else BASE
        wrapped += [(line[j:j + per_line], colour) for j in range(0, max(1, len(line)), per_line)]
    height = (20 + LINE + 16 + len(throughput) * row_h + LINE + 30 + LINE + 16 + len(latency) * row_h + LINE + 24
              + len(wrapped) * LINE + 20)
    c = Canvas(width, height)
    y = 20
    c.text(30, y, 'udpkit loopback benchmark: throughput as a ratio to the raw DatagramChannel (same run, higher is better)')
    y += LINE + 16

    # Throughput: one bar per row, length = ratio to the baseline of the same payload size.
    max_ratio = max([r['ratioToBaseline'] or 0 for r in throughput] + [1.0]) * 1.05
    # Grid lines every 1x, or every 2x, 5x, 10x... when the bars run long (Aeron with a 64 KiB MTU
    # reaches 30x), so that the axis labels never overlap.
    tick = next(t for t in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if plot_w * t / max_ratio >= 5 * ADVANCE
                or t == 1000)
    top = y
    for step in range(0, int(max_ratio) + 1, tick):
        x = plot_x + plot_w * step / max_ratio
        c.rect(x, top - 4, 1, len(throughput) * row_h + 4, GRID)
    one = plot_x + plot_w / max_ratio
    for i, r in enumerate(throughput):
        ratio = r.get('ratioToBaseline') or 0
        c.text(30, y + 6, label_of(r))
        c.rect(plot_x, y + 4, max(1, plot_w * ratio / max_ratio), row_h - 10, colour_of(r['mode']))
        c.text(plot_x + plot_w + 12, y + 6, throughput_values[i])
        y += row_h
    c.rect(one, top - 8, 2, len(throughput) * row_h + 8, BASE)
    for step in range(0, int(max_ratio) + 1, tick):
        x = plot_x + plot_w * step / max_ratio
        c.text(x - ADVANCE / 2, y + 4, '%dX' % step, BASE)
    y += LINE + 30

    # Latency: p99.9 (light), p99 (medium) and p50 (dark) bars on one row, log scale in microseconds.
    c.text(30, y, 'round-trip latency, 64 B, microseconds, log scale: p50 (dark), p99, p99.9 (light); lower is better')
    y += LINE + 16
    values = [v for r in latency for v in (r.get('p50Micros'), r.get('p999Micros')) if v]
    lo = 10 ** math.floor(math.log10(min(values))) if values else 1
    hi = 10 ** math.ceil(math.log10(max(values))) if values else 1000
    if hi <= lo:
        hi = lo * 10

    def xpos(v):
        return plot_x + plot_w * (math.log10(max(v, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    top = y
    decade = lo
    while decade <= hi:
        c.rect(xpos(decade), top - 4, 1, len(latency) * row_h + 4, GRID)
        decade *= 10
    for i, r in enumerate(latency):
        colour = colour_of(r['mode'])
        c.text(30, y + 6, '%s %s' % (r['mode'], r['wait']))
        for key, fade in (('p999Micros', 0.75), ('p99Micros', 0.45), ('p50Micros', 0.0)):
            v = r.get(key)
            if v:
                shade = tuple(int(ch + (255 - ch) * fade) for ch in colour)
                c.rect(plot_x, y + 4, max(1, xpos(v) - plot_x), row_h - 10, shade)
        c.text(plot_x + plot_w + 12, y + 6, latency_values[i])
        y += row_h
    decade = lo
    while decade <= hi:
        c.text(xpos(decade) - ADVANCE, y + 4, '%d' % decade if decade >= 1 else '%g' % decade, BASE)
        decade *= 10
    y += LINE + 24

    for line, colour in wrapped:
        c.text(30, y, line, colour)
        y += LINE
    return c.png()


def main(argv):
    args = [a for a in argv if not a.startswith('--')]
    note = None
    if '--note' in argv:
        i = argv.index('--note')
        if i + 1 >= len(argv):
            sys.exit('--note needs a text')
        note = argv[i + 1]
        args = [a for a in args if a != note]
    if not 1 <= len(args) <= 2:
        sys.exit(__doc__)
    out = args[1] if len(args) == 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'docs',
                                                       'bench.png')
    png = render(load(args[0]), note)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, 'wb') as f:
        f.write(png)
    print('wrote %s' % os.path.normpath(out))


if __name__ == '__main__':
    main(sys.argv[1:])
