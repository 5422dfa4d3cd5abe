"""Writes public/icon-192.png and public/icon-512.png from the shapes of
public/icon.svg (a white F on Fieldform blue), full bleed so Android can
mask them. Pure Python (zlib), so no image library is needed; run it again
if the icon changes."""
import struct
import zlib
from pathlib import Path

BLUE = (0x1F, 0x5F, 0x8B)
WHITE = (0xFF, 0xFF, 0xFF)
# The F of icon.svg, in its 512-unit box: (x0, y0, x1, y1).
RECTS = [(150, 120, 370, 176), (150, 120, 214, 392), (214, 240, 350, 296)]


def pixel(x, y, size):
    u, v = (x + 0.5) * 512 / size, (y + 0.5) * 512 / size
    return WHITE if any(x0 <= u < x1 and y0 <= v < y1 for x0, y0, x1, y1 in RECTS) else BLUE


def png(size):
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y, size)) for x in range(size)) for y in range(size)
    )

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


public = Path(__file__).resolve().parent.parent / "public"
for size in (192, 512):
    (public / f"icon-{size}.png").write_bytes(png(size))
