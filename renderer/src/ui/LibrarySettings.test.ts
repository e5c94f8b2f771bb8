/**
 * Settings → Library's pure parts: which bridge offers the library (only the PC app's), and the
 * line each file's job shows (progress %, speed × realtime, ETA, error) in both languages.
 * The screen itself is driven in Chromium by e2e/web/library-settings.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import type { LibraryFileJob } from '../../../common/ipc.ts';
import { translator } from '../../../common/i18n/bundled.ts';
import type { PlatformBridge } from '../../../common/platform.ts';
import { jobLine, libraryBridge } from './LibrarySettings.tsx';

const job = (over: Partial<LibraryFileJob>): LibraryFileJob => ({ path: '/m/Film.mkv', state: 'queued', programId: null, error: null, progress: 0, speed: 0, etaSec: null, phase: null, updatedAt: 1, ...over });

describe('Settings → Library', () => {
  it('uses the library only on a bridge that offers it (the PC app), never the web bridge', () => {
    expect(libraryBridge({} as PlatformBridge)).toBeNull();
    const pc = { libraryOverview: async () => ({}) } as unknown as PlatformBridge;
    expect(libraryBridge(pc)).toBe(pc);
  });

  it('shows each job’s progress, speed, ETA and error in English and Chinese', () => {
    const en = translator('en');
    const zh = translator('zh-CN');
    const running = job({ state: 'packaging', progress: 0.425, speed: 3.14, etaSec: 150 });
    expect(jobLine(running, en)).toBe('Packaging · 43% · 3.1× realtime · 3 min left');
    expect(jobLine(running, zh)).toBe('正在打包 · 43% · 3.1 倍实时速度 · 还需 3 分钟');
    expect(jobLine(job({ state: 'packaging', progress: 0.1, speed: 1, etaSec: null }), en)).toBe('Packaging · 10% · 1.0× realtime');
    expect(jobLine(job({ state: 'failed', error: 'truncated file: moov atom not found' }), en)).toBe('Failed: truncated file: moov atom not found');
    expect(jobLine(job({ state: 'queued' }), zh)).toBe('等待中');
    expect(jobLine(job({ state: 'ready', progress: 1 }), en)).toBe('Ready');
  });
});
