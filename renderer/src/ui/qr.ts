/**
 * A QR code as one SVG path (the `qrcode` package's module matrix, no data: URL — the CSP is
 * strict, and a path scales crisply to any screen). Dark modules of a row are merged into runs,
 * so a link's code is a few hundred short rectangles, not thousands.
 */
import QRCode from 'qrcode';

/** The path of a QR code, in module units, quiet zone included. */
export interface QrPath {
  /** Width and height, in modules (the symbol plus the quiet zone on each side). */
  size: number;
  /** SVG path data of the dark modules. */
  d: string;
}

/** The QR code of `text` (error correction M: survives a smudged or glary TV screen). */
export function qrPath(text: string, quietZone = 4): QrPath {
  const { size, data } = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  const parts: string[] = [];
  for (let y = 0; y < size; y++) {
    let x = 0;
    while (x < size) {
      if (!data[y * size + x]) {
        x++;
        continue;
      }
      const from = x;
      while (x < size && data[y * size + x]) x++;
      const run = x - from;
      parts.push(`M${from + quietZone} ${y + quietZone}h${run}v1h-${run}z`);
    }
  }
  return { size: size + 2 * quietZone, d: parts.join('') };
}
