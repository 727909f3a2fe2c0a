/**
 * The kernel's logo for Jupyter launchers (logo-32x32.png, logo-64x64.png): a white sine wave
 * on a dark blue rounded square, drawn and PNG-encoded here (RGBA, 8 bits, no filter).
 */
import { crc32, deflateSync } from "node:zlib";

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** PNG bytes of `rgba` (size x size pixels, 4 bytes each, row-major). */
export function encodePng(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  const rows = Buffer.alloc(size * (4 * size + 1));
  for (let y = 0; y < size; y += 1) rows.set(rgba.subarray(y * 4 * size, (y + 1) * 4 * size), y * (4 * size + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The logo as size x size RGBA pixels. */
export function drawLogo(size: number): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const radius = size / 6;
  const stroke = Math.max(1, size / 14);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const cx = x + 0.5;
      const cy = y + 0.5;
      // Rounded square: outside when beyond a corner circle.
      const dx = Math.max(radius - cx, cx - (size - radius), 0);
      const dy = Math.max(radius - cy, cy - (size - radius), 0);
      if (dx * dx + dy * dy > radius * radius) continue;
      // One period of a sine across the middle 80 % of the width.
      const phase = ((cx - 0.1 * size) / (0.8 * size)) * 2 * Math.PI;
      const wave = size / 2 - 0.28 * size * Math.sin(phase);
      const onWave = cx >= 0.1 * size && cx <= 0.9 * size && Math.abs(cy - wave) <= stroke;
      const offset = (y * size + x) * 4;
      pixels.set(onWave ? [255, 255, 255, 255] : [31, 59, 87, 255], offset);
    }
  }
  return pixels;
}

/** logo-<size>x<size>.png bytes. */
export function logoPng(size: number): Buffer {
  return encodePng(size, drawLogo(size));
}
