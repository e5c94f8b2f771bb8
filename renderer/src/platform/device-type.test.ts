import { describe, expect, it } from 'vitest';
import { proposeTerminalType, type DeviceSignals } from './device-type.ts';

const IPHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const PIXEL_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
const IPAD_DESKTOP_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15';
const DESKTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

const desktop: DeviceSignals = { userAgent: DESKTOP_UA, uaMobile: false, maxTouchPoints: 0, coarsePointer: false, screenShortSide: 1080 };

describe('proposeTerminalType', () => {
  it('an iPhone (Safari: no client hints) is a phone', () => {
    expect(proposeTerminalType({ userAgent: IPHONE_UA, maxTouchPoints: 5, coarsePointer: true, screenShortSide: 390 })).toBe('mobile');
  });
  it('an Android phone with client hints is a phone', () => {
    expect(proposeTerminalType({ userAgent: PIXEL_UA, uaMobile: true, maxTouchPoints: 5, coarsePointer: true, screenShortSide: 412 })).toBe('mobile');
  });
  it('an iPhone requesting the desktop site is still a phone (small touch screen)', () => {
    expect(proposeTerminalType({ userAgent: IPAD_DESKTOP_UA, maxTouchPoints: 5, coarsePointer: true, screenShortSide: 390 })).toBe('mobile');
  });
  it('a desktop, a touch laptop and an iPad are computers', () => {
    expect(proposeTerminalType(desktop)).toBe('pc');
    expect(proposeTerminalType({ ...desktop, maxTouchPoints: 10, coarsePointer: false })).toBe('pc');
    expect(proposeTerminalType({ userAgent: IPAD_DESKTOP_UA, maxTouchPoints: 5, coarsePointer: true, screenShortSide: 820 })).toBe('pc');
  });
  it('a narrow desktop window is not a phone (no touch)', () => {
    expect(proposeTerminalType({ ...desktop, screenShortSide: 400 })).toBe('pc');
  });
});
