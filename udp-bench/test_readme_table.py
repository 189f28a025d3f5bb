#!/usr/bin/env python3
"""Checks readme_table.py: README.md's benchmark tables are what it prints from docs/bench.json,
the run they were made from, and the new rows and the JDK/transport note come out as README.md
would show them.

Usage: python3 udp-bench/test_readme_table.py
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..')
sys.path.insert(0, HERE)

import readme_table  # noqa: E402


def readme_tables():
    """The table lines of README.md's section "## Benchmarks", up to its first subsection."""
    with open(os.path.join(ROOT, 'README.md'), encoding='utf-8') as f:
        text = f.read()
    section = text.split('\n## Benchmarks\n', 1)[1].split('\n### ', 1)[0]
    return [line for line in section.splitlines() if line.startswith('|')]


def record(key, kind, payload, wait, **fields):
    r = {'id': '%s.%s.%d' % (key, 'throughput' if kind == 'throughput' else 'rtt-' + wait, payload),
         'scenario': kind, 'payloadBytes': payload, 'wait': wait, 'mode': key, 'failure': None,
         'jdk': '25.0.3+9-LTS (OpenJDK 64-Bit Server VM, Eclipse Adoptium)', 'runtime': '25 Temurin',
         'transport': 'jdk'}
    r.update(fields)
    return r


class ReadmeTableTest(unittest.TestCase):

    def test_reproduces_the_readme_tables_from_the_report_they_came_from(self):
        printed = readme_table.render(readme_table.load(os.path.join(ROOT, 'docs', 'bench.json')))
        self.assertEqual(readme_tables(), [line for line in printed.splitlines() if line.startswith('|')])

    def test_adds_the_new_rows_with_what_they_reached(self):
        records = [
            record('udpkit-reliable', 'throughput', 64, 'adaptive', ratioToBaseline=6.0, messagesPerSecond=3.6e6,
                   mode='udpkit RELIABLE'),
            record('udpkit-reliable-pmtu', 'throughput', 64, 'adaptive', ratioToBaseline=9.5, messagesPerSecond=5.2e6,
                   datagramBytes=65012.4, transport='ffm', mode='udpkit RELIABLE, path MTU'),
            record('udpkit-reliable-pmtu', 'throughput', 1200, 'adaptive', ratioToBaseline=2.7,
                   messagesPerSecond=421784.0, datagramBytes=64777.0, transport='ffm', mode='udpkit RELIABLE, path MTU'),
            record('aeron-mtu', 'throughput', 64, 'busy-spin', ratioToBaseline=30.0, mode='Aeron, SHARED driver, mtu 65504',
                   transport='aeron'),
            record('aeron-mtu', 'throughput', 1200, 'busy-spin', failure='driver would not start',
                   mode='Aeron, SHARED driver, mtu 65504', transport='aeron'),
        ]
        lines = readme_table.render(records).splitlines()
        self.assertIn('| udpkit RELIABLE | 6.00x (3.6 M msg/s) | \u2014 |', lines)
        self.assertIn('| udpkit RELIABLE, path MTU | 9.50x (5.2 M msg/s, 65,012 B datagrams) '
                      '| 2.70x (422 k msg/s, 64,777 B datagrams) |', lines)
        self.assertIn('| Aeron, SHARED driver, mtu 65504 | 30.00x | failed |', lines)
        self.assertFalse(any(line.startswith('| round trip') for line in lines), 'no round trips, no table')
        note = lines[-1]
        self.assertTrue(note.startswith('Every row ran on JDK 25 Temurin ('), note)
        self.assertIn('`jdk`', note)
        self.assertIn('`ffm` (ffm): udpkit RELIABLE', note)
        self.assertIn('`aeron`', note)


if __name__ == '__main__':
    unittest.main()
