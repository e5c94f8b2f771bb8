/**
 * The patent's flow at API level (Figure 2/3, claims 1–2): terminal A's record is reported by a
 * streaming cluster; terminal B of the same user sees it through the portal, labelled with A;
 * terminal C of another user never sees it, through any endpoint.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HomePage, ProgramsAnswer } from '../../common/protocol/api.ts';
import { addTerminal, clusterReport, getHome, postReports, SERVICE_AUTH, signUp, startTestServer, type TestServer } from '../testing/harness.ts';

let s: TestServer;
beforeEach(async () => {
  s = await startTestServer();
});
afterEach(async () => {
  await s.close();
});

describe('patent flow: A stops, B of the same user resumes, C of another user sees nothing', () => {
  it('labels A’s record for B and hides it from C everywhere', async () => {
    const alice = await signUp(s.app, 'alice@example.com');
    const a = await addTerminal(s.app, alice, 'Living-room TV', 'stb');
    const b = await addTerminal(s.app, alice, 'Alice phone', 'mobile');
    const carol = await signUp(s.app, 'carol@example.com');
    const c = await addTerminal(s.app, carol, 'Carol PC', 'pc');

    const res = await postReports(s.app, [clusterReport(a.id, 'ocean', 7 * 60_000, 1, { playToken: 'tok-a' })]);
    expect(res.statusCode).toBe(200);
    expect(res.json().results[0].outcome).toBe('applied');

    const home = (await getHome(s.app, b.credential)).json<HomePage>();
    expect(home.terminal.id).toBe(b.id);
    expect(home.continueWatching).toHaveLength(1);
    const card = home.continueWatching[0]!;
    expect(card.program.id).toBe('ocean');
    expect(card.record).toMatchObject({
      terminalId: a.id,
      terminalName: 'Living-room TV',
      terminalType: 'stb',
      breakpoint: { kind: 'offset', offsetMs: 420_000 },
      playToken: 'tok-a',
    });
    expect(card.percent).toBe(35);
    expect(card.remainingMs).toBe(13 * 60_000);

    // Global's own answer to a portal (ms3-2) carries the labelled history of all of B's user's terminals.
    const answer = await s.app.inject({ url: `/global/v1/programs?terminalId=${b.id}`, headers: { authorization: SERVICE_AUTH } });
    const programs = answer.json<ProgramsAnswer>();
    expect(programs.history.map((r) => [r.terminalId, r.terminalName])).toEqual([[a.id, 'Living-room TV']]);

    // C: nothing of Alice's, through the portal, global's query and push.
    const cHome = (await getHome(s.app, c.credential)).json<HomePage>();
    expect(cHome.continueWatching).toEqual([]);
    const cAnswer = await s.app.inject({ url: `/global/v1/programs?terminalId=${c.id}`, headers: { authorization: SERVICE_AUTH } });
    expect(cAnswer.json<ProgramsAnswer>().history).toEqual([]);
    const cTerminals = await s.app.inject({ url: '/api/v1/terminals', headers: { authorization: `Bearer ${carol}` } });
    expect(cTerminals.json().terminals.map((t: { id: string }) => t.id)).toEqual([c.id]);
    // C cannot address A's terminal either.
    const rename = await s.app.inject({
      method: 'PATCH',
      url: `/api/v1/terminals/${a.id}`,
      headers: { authorization: `Bearer ${carol}` },
      payload: { name: 'stolen' },
    });
    expect(rename.statusCode).toBe(404);
    expect(rename.json().code).toBe('TERMINAL_NOT_FOUND');
  });
});
