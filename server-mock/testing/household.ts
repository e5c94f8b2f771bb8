/**
 * One household for the handoff and remote-control suites: a listening test server with the
 * demo catalogue (1 s heartbeats, 30 s session timeout, reports held back), an account with a
 * TV, a phone and a PC, and a terminal of another household — plus the push streams the test
 * opens, closed with the server.
 */
import type { TerminalType } from '../../common/protocol/model.ts';
import { DEMO_CATALOG_URL, readCatalogFile } from '../demo/seed.ts';
import { addTerminal, signUp, startTestServer, type TestServer } from './harness.ts';
import { openEventStream, type EventStream } from './sse-client.ts';

export interface HouseholdTerminal {
  id: string;
  credential: string;
}

export interface Household {
  s: TestServer;
  base: string;
  /** The account's user session token. */
  user: string;
  userId: string;
  tv: HouseholdTerminal;
  phone: HouseholdTerminal;
  pc: HouseholdTerminal;
  /** A terminal of another household. */
  foreign: HouseholdTerminal;
  /** A push stream of `credential`'s terminal, closed by `close()`. */
  open(credential: string): Promise<EventStream>;
  close(): Promise<void>;
}

export const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

export async function startHousehold(o: { login: string; foreignLogin: string; pcName?: string; foreign?: { name: string; type: TerminalType } }): Promise<Household> {
  const s = await startTestServer({ sessionTimeoutSec: 30, heartbeatIntervalSec: 1, reportIntervalSec: 3600, instanceId: 'S1' }, await readCatalogFile(DEMO_CATALOG_URL));
  const streams: EventStream[] = [];
  const base = await s.app.listen({ host: '127.0.0.1', port: 0 });
  const user = await signUp(s.app, o.login);
  const tv = await addTerminal(s.app, user, 'Living-room TV', 'stb');
  const phone = await addTerminal(s.app, user, 'Phone', 'mobile');
  const pc = await addTerminal(s.app, user, o.pcName ?? 'Laptop', 'pc');
  const foreign = await addTerminal(s.app, await signUp(s.app, o.foreignLogin), o.foreign?.name ?? 'Stranger PC', o.foreign?.type ?? 'pc');
  const userId = (await s.global.accounts.authenticateTerminal(tv.credential))!.userId;
  return {
    s,
    base,
    user,
    userId,
    tv,
    phone,
    pc,
    foreign,
    async open(credential) {
      const st = await openEventStream(base, credential);
      streams.push(st);
      return st;
    },
    async close() {
      for (const st of streams.splice(0)) st.close();
      await s.close();
    },
  };
}
