#!/usr/bin/env python3
"""Storage per minute of the Ogg Opus recordings under a folder: bytes, and seconds of audio from
each file's last page's granule position less its pre-skip (48 kHz). Usage: ogg-per-minute.py DIR"""
import glob
import struct
import sys

size = seconds = files = 0
for f in glob.glob(sys.argv[1] + '/**/*.opus', recursive=True):
    d = open(f, 'rb').read()
    last = d.rfind(b'OggS')
    head = d.find(b'OpusHead')
    if last < 0 or head < 0:
        continue
    granule = struct.unpack('<q', d[last + 6:last + 14])[0]
    pre_skip = struct.unpack('<H', d[head + 10:head + 12])[0]
    size += len(d)
    seconds += (granule - pre_skip) / 48000
    files += 1
if seconds > 0:
    print(f"files {files} bytes {size} seconds {seconds:.1f} MB per minute {size / (seconds / 60) / 1e6:.3f} "
          f"kbit/s {size * 8 / seconds / 1000:.1f}")
else:
    print("no Ogg Opus audio")
