/** The log files: written synchronously, rotated by size into numbered generations. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appLogger, openFileLog } from './logging.ts';

const dir = mkdtempSync(join(tmpdir(), 'ra-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('log files', () => {
  it('writes every line to main.log at once (and to stderr)', () => {
    const log = appLogger(dir);
    log.info('household server running at http://127.0.0.1:8750');
    log.warn('renderer gone', { reason: 'crashed' });
    const text = readFileSync(join(dir, 'main.log'), 'utf8');
    expect(text).toMatch(/\[info\]\s+household server running at http:\/\/127\.0\.0\.1:8750/);
    expect(text).toMatch(/\[warn\]\s+renderer gone .*crashed/);
    expect(log.file.path).toBe(join(dir, 'main.log'));
  });

  it('rotates at the size limit, keeping the newest generations', () => {
    const log = openFileLog(dir, 'server.log', 2_000, 2);
    for (let i = 0; i < 200; i++) log.write('info', `line ${i} ${'x'.repeat(40)}`);
    expect(existsSync(join(dir, 'server.log'))).toBe(true);
    expect(existsSync(join(dir, 'server.1.log'))).toBe(true);
    expect(existsSync(join(dir, 'server.2.log'))).toBe(true);
    expect(existsSync(join(dir, 'server.3.log'))).toBe(false);
    expect(readFileSync(join(dir, 'server.log'), 'utf8')).toContain('line 199');
    expect(readFileSync(join(dir, 'server.log'), 'utf8').length).toBeLessThan(2_200);
  });
});
