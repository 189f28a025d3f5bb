#!/usr/bin/env python3
"""Print README.md's benchmark tables from a udpkit benchmark JSON report, in the markdown the
section "## Benchmarks" uses, so that the README is regenerated from a full run in one step.

Usage:
    python3 udp-bench/readme_table.py REPORT.json [MORE.json ...]

REPORT.json is what `java -jar udp-bench/target/udp-bench.jar --json` (or `udpkit bench --json`)
writes. Prints the throughput table (each row's ratio to the raw DatagramChannel of the same run
and size, with the figures the README adds in brackets), the round-trip table (p50 and p99 of each
wait, and the p50's ratio to the raw channel that waits the same way), and a note saying which JDK
and transport every row ran on. Given several reports (a JDK 17 run and a JDK 25 run), it prints
the tables of each in turn, headed by its JDK. A row whose scenario is not in the report is left
out; a row that failed says so. Only Python's standard library is used.
"""

import json
import sys

# The throughput table, one line per row: the scenario key in the JSON, the README's label, and
# what the cell adds after the ratio ('rate' the rate in M msg/s, 'plain' the ratio to the
# reference row, 'deliveries' deliveries per second, 'datagram' the mean datagram size the sender
# reached). A row of another engineer's scenario is one more line here.
THROUGHPUT_ROWS = [
    ('udpkit-raw', 'udpkit RAW (adaptive, the default)', ()),
    ('udpkit-raw-blocking', 'udpkit RAW, `idleSpin(0)` (blocking)', ()),
    ('udpkit-raw-batch', 'udpkit RAW, batch', ()),
    ('udpkit-raw-batch-plain', 'udpkit RAW, batch to DatagramChannel', ()),
    ('udpkit-unreliable', 'udpkit UNRELIABLE', ()),
    ('udpkit-reliable', 'udpkit RELIABLE', ('rate',)),
    ('udpkit-reliable-pmtu', 'udpkit RELIABLE, path MTU', ('rate', 'datagram')),
    ('udpkit-reliable-batch', 'udpkit RELIABLE, batch', ('rate',)),
    ('udpkit-reliable-aead', 'udpkit RELIABLE, AES-256-GCM', ('plain',)),
    ('udpkit-reliable-dtls', 'udpkit RELIABLE, DTLS', ('plain',)),
    ('udpkit-reliable-loss10', 'udpkit RELIABLE, 10 % loss each way (goodput)', ()),
    ('udpkit-chat-fanout', 'udpkit chat, fan-out to 1,000 members (deliveries/s)', ('deliveries',)),
    ('aeron', 'Aeron, SHARED driver', ()),
    ('aeron-mtu', None, ()),  # labelled with its mode, which names the MTU the run chose
    ('raw-gso-gro', 'raw GSO+GRO (FFM)', ('rate',)),
    ('netty-nio', 'Netty NIO', ()),
    ('tcp', 'TCP', ()),
]
THROUGHPUT_SIZES = [(64, '64 B'), (1200, '1,200 B')]
# Rows the README states with an extra figure only at some sizes, as it does today.
RATE_SIZES = {'udpkit-reliable': (64,), 'udpkit-reliable-batch': (64,), 'udpkit-reliable-pmtu': (64, 1200), 'raw-gso-gro': (64, 1200)}
DELIVERY_SIZES = {'udpkit-chat-fanout': (64,)}

# The round-trip table: the scenario key, the README's label before the waits, the waits in the
# order shown, and what the label adds after them.
ROUND_TRIP_ROWS = [
    ('baseline', 'raw DatagramChannel', ('blocking', 'busy-spin'), ''),
    ('udpkit-raw', 'udpkit RAW, handlers', ('blocking', 'adaptive', 'busy-spin'), ''),
    ('udpkit-reliable', 'udpkit RELIABLE, handlers', ('blocking', 'adaptive', 'busy-spin'), ''),
    ('udpkit-reliable-receive', 'udpkit RELIABLE, `receive()`', ('blocking', 'adaptive', 'busy-spin'), ''),
    ('tcp', 'TCP', ('blocking', 'busy-spin'), ''),
    ('aeron', 'Aeron', ('busy-spin',), ' (its idle threads park)'),
]
ROUND_TRIP_SIZE = 64
DASH = '\u2014'
TRANSPORT_NAMES = {
    'jdk': "the JDK's `DatagramChannel`",
    'tcp': '`SocketChannel`',
    'aeron': "Aeron's media driver",
    'netty-nio': "Netty's `NioDatagramChannel`",
}


def load(path):
    with open(path, encoding='utf-8') as f:
        records = json.load(f)
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ValueError('%s is not a JSON array of records' % path)
    return records


def index(records):
    """The records by (key, kind, payload, wait); the key is the id's first part."""
    found = {}
    for r in records:
        key = r['id'].split('.')[0]
        found[(key, r['scenario'], r['payloadBytes'], r.get('wait'))] = r
    return found


def find(found, key, kind, payload, wait=None):
    for (k, s, p, w), r in found.items():
        if k == key and s == kind and p == payload and (wait is None or w == wait):
            return r
    return None


def ratio(value):
    return '%.2fx' % value


def grouped(n):
    return '{:,}'.format(int(round(n)))


def throughput_cell(key, record, extras, payload):
    if record is None:
        return DASH
    if record.get('failure'):
        # A row that cannot run on this JDK says so; any other failure is just that.
        return 'needs JDK 22+' if 'needs JDK 22+' in record['failure'] else 'failed'
    if record.get('ratioToBaseline') is None:
        return DASH
    cell = ratio(record['ratioToBaseline'])
    added = []
    for extra in extras:
        if extra == 'rate' and payload in RATE_SIZES.get(key, ()) and record.get('messagesPerSecond'):
            rate = record['messagesPerSecond']
            added.append('%.1f M msg/s' % (rate / 1e6) if rate >= 1e6 else '%.0f k msg/s' % (rate / 1e3))
        elif extra == 'plain' and record.get('ratioToReference') is not None:
            added.append('%s of plain' % ratio(record['ratioToReference']))
        elif extra == 'datagram' and record.get('datagramBytes'):
            added.append('%s B datagrams' % grouped(record['datagramBytes']))
    if key in DELIVERY_SIZES and payload in DELIVERY_SIZES[key] and record.get('messagesPerSecond'):
        added.append('%.0f k/s' % (record['messagesPerSecond'] / 1e3))
    return cell + (' (%s)' % ', '.join(added) if added else '')


def throughput_table(found):
    lines = ['| scenario (one way) | %s |' % ' | '.join(label for _, label in THROUGHPUT_SIZES),
             '|' + '---|' * (1 + len(THROUGHPUT_SIZES))]
    for key, label, extras in THROUGHPUT_ROWS:
        records = [find(found, key, 'throughput', size) for size, _ in THROUGHPUT_SIZES]
        present = [r for r in records if r is not None]
        if not present:
            continue
        name = label if label is not None else present[0]['mode']
        cells = [throughput_cell(key, r, extras, size) for r, (size, _) in zip(records, THROUGHPUT_SIZES)]
        lines.append('| %s | %s |' % (name, ' | '.join(cells)))
    return lines


def micros(record, field):
    if record is None or record.get('failure') or record.get(field) is None:
        return DASH
    return '%.1f' % record[field]


def round_trip_table(found):
    lines = ['| round trip, %d B | p50 \u00b5s | p99 \u00b5s | p50 vs raw, same wait |' % ROUND_TRIP_SIZE,
             '|---|---|---|---|']
    for key, label, waits, suffix in ROUND_TRIP_ROWS:
        records = [find(found, key, 'round-trip', ROUND_TRIP_SIZE, w) for w in waits]
        if all(r is None for r in records):
            continue
        p50 = ' / '.join(micros(r, 'p50Micros') for r in records)
        p99 = ' / '.join(micros(r, 'p99Micros') for r in records)
        if key == 'baseline':
            vs = '1.00x'  # each baseline is its own reference
        else:
            vs = ' / '.join(DASH if r is None or r.get('failure') or r.get('ratioToBaseline') is None
                            else ratio(r['ratioToBaseline']) for r in records)
        lines.append('| %s, %s%s | %s | %s | %s |' % (label, ' / '.join(waits), suffix, p50, p99, vs))
    return lines


def jdk_note(records):
    """Which JDK the run used and which transport each row ran on, as a sentence for the README."""
    runtimes = sorted({r.get('runtime') or r.get('jdk', '?') for r in records})
    jdks = sorted({r.get('jdk', '?') for r in records} - set(runtimes))
    by_transport = {}
    for r in records:
        transport = r.get('transport') or 'jdk'
        mode = r['mode'].split(',')[0] if r['mode'].startswith(('udpkit', 'Aeron')) else r['mode']
        if r.get('baseline'):
            mode = 'raw DatagramChannel'
        names = by_transport.setdefault(transport, [])
        if mode not in names:
            names.append(mode)
    parts = []
    for transport in sorted(by_transport, key=lambda t: (t != 'jdk', t)):
        parts.append('`%s` (%s): %s' % (transport, TRANSPORT_NAMES.get(transport, transport),
                                         ', '.join(by_transport[transport])))
    return ('Every row ran on JDK %s%s; transports: %s.'
            % (' and '.join(runtimes), ' (%s)' % '; '.join(jdks) if jdks else '', '; '.join(parts)))


def render(records):
    found = index(records)
    parts = [table for table in (throughput_table(found), round_trip_table(found)) if len(table) > 2]
    return '\n\n'.join(['\n'.join(table) for table in parts] + [jdk_note(records)])


def main(argv):
    if not argv or any(a.startswith('-') for a in argv):
        sys.exit(__doc__)
    outputs = []
    for path in argv:
        records = load(path)
        text = render(records)
        if len(argv) > 1:
            runtimes = sorted({r.get('runtime') or r.get('jdk', '?') for r in records})
            text = '#### JDK %s\n\n%s' % (' and '.join(runtimes), text)
        outputs.append(text)
    print('\n\n'.join(outputs))


if __name__ == '__main__':
    main(sys.argv[1:])
