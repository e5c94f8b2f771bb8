/**
 * Revocation in one process (all three roles): removing a terminal, signing it out, changing
 * the password and deleting the account each end, within 1 s, every credential derived from
 * it — push stream, play session (last point recorded once), play token (heartbeat, stop,
 * media, admission of anyone) — and nothing of the household's other terminals unless the
 * whole account went. The split deployment runs the same scenario: revocation-split.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOG_URL, readCatalogFile } from '../demo/seed.ts';
import { startTestServer, type TestServer } from '../testing/harness.ts';
import { checkRevoked, runRevocation, type RevocationPath } from '../testing/revocation-scenario.ts';

let s: TestServer;
let url: string;
beforeAll(async () => {
  s = await startTestServer({ instanceId: 'S1' }, await readCatalogFile(DEMO_CATALOG_URL));
  url = await s.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await s.close();
});

const PATHS: RevocationPath[] = ['terminal-removed', 'terminal-signed-out', 'password-changed', 'account-deleted'];

describe('revocation in one process', () => {
  for (const path of PATHS) {
    it(`${path}: push closed, session ended, token dead everywhere, within 1 s`, async () => {
      const before = s.app.streaming?.sessions.openCount ?? 0;
      const r = await runRevocation({ globalUrl: url, streamUrl: url }, path, `${path}@example.com`);
      checkRevoked((v, m) => expect(v, m), r, path);
      // A's session ended; only B's new one is open (none when the account went).
      expect((s.app.streaming?.sessions.openCount ?? 0) - before).toBe(path === 'account-deleted' ? 0 : 1);
      console.info(`${path}: push closed after ${r.streamClosedMs?.toFixed(1)} ms, heartbeat refused after ${r.heartbeatRefusedMs.toFixed(1)} ms`);
    });
  }
});
