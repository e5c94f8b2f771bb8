import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { qrPath } from './qr.ts';

/** The dark modules a path draws, read back from its runs. */
function darkModules(d: string, quiet: number): Set<string> {
  const dark = new Set<string>();
  for (const m of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    const [x, y, run] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let i = 0; i < run; i++) dark.add(`${x + i - quiet},${y - quiet}`);
  }
  return dark;
}

describe('qrPath', () => {
  it('draws exactly the dark modules of the symbol, inside a quiet zone', () => {
    const text = 'http://192.168.1.20:8750/#/link?code=BCDF-GHJK';
    const { size, data } = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
    const path = qrPath(text);
    expect(path.size).toBe(size + 8);
    const expected = new Set<string>();
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (data[y * size + x]) expected.add(`${x},${y}`);
    expect(darkModules(path.d, 4)).toEqual(expected);
    expect(path.d).toMatch(/^(M\d+ \d+h\d+v1h-\d+z)+$/);
  });

  it('changes with the text', () => {
    expect(qrPath('http://srv/#/link?code=BCDF-GHJK').d).not.toBe(qrPath('http://srv/#/link?code=LMNP-QRST').d);
  });
});
