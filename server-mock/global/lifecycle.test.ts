/**
 * The account lifecycle over HTTP: registration policy (owner first, then only the owner
 * unless open), change password (keeps this one, ends the others), sign out everywhere, a
 * terminal signing itself out (history kept), delete account (everything, one transaction,
 * nothing of another account), export. Revocation's effect on streams and play tokens is in
 * revocation.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import Value from 'typebox/value';
import { AccountExport, type DeleteAccountResponse, type RevocationSummary } from '../../common/protocol/account.ts';
import type { HomePage } from '../../common/protocol/api.ts';
import { seedDemo, isLoopbackHost } from '../demo/seed.ts';
import { addTerminal, clusterReport, postReports, signUp, startTestServer, type TestServer } from '../testing/harness.ts';

let s: TestServer;
afterEach(async () => {
  await s?.close();
});
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const PW = 'correct-horse-battery';
const login = (name: string, password = PW) => s.app.inject({ method: 'POST', url: '/api/v1/sessions', payload: { login: name, password } });
const me = async (credential: string) => (await s.app.inject({ url: '/api/v1/me', headers: bearer(credential) })).statusCode;

describe('registration policy', () => {
  it('the first account is the owner; then only the owner creates accounts', async () => {
    s = await startTestServer({ openRegistration: false });
    expect((await s.app.inject({ url: '/api/v1/registration' })).json()).toEqual({ open: true, needsOwner: true });
    const first = await s.app.inject({ method: 'POST', url: '/api/v1/accounts', payload: { login: 'owner@example.com', password: PW } });
    expect(first.statusCode).toBe(201);
    expect(first.json().role).toBe('owner');
    expect((await s.app.inject({ url: '/api/v1/registration' })).json()).toEqual({ open: false, needsOwner: false });

    const before = (await s.dump());
    const anonymous = await s.app.inject({ method: 'POST', url: '/api/v1/accounts', payload: { login: 'stranger@example.com', password: PW } });
    expect(anonymous.statusCode).toBe(403);
    expect(anonymous.json().code).toBe('REGISTRATION_CLOSED');
    expect((await s.dump())).toEqual(before);

    const owner = login('owner@example.com');
    const ownerToken = (await owner).json<{ token: string }>().token;
    const member = await s.app.inject({ method: 'POST', url: '/api/v1/accounts', headers: bearer(ownerToken), payload: { login: 'kid@example.com', password: PW } });
    expect(member.statusCode).toBe(201);
    expect(member.json().role).toBe('member');
    const kidToken = (await login('kid@example.com')).json<{ token: string }>().token;
    const byMember = await s.app.inject({ method: 'POST', url: '/api/v1/accounts', headers: bearer(kidToken), payload: { login: 'x@example.com', password: PW } });
    expect(byMember.json().code).toBe('OWNER_ONLY');
  });

  it('--open-registration lets anyone register (as a member)', async () => {
    s = await startTestServer({ openRegistration: true });
    await signUp(s.app, 'first@example.com');
    const second = await s.app.inject({ method: 'POST', url: '/api/v1/accounts', payload: { login: 'second@example.com', password: PW } });
    expect(second.statusCode).toBe(201);
    expect(second.json().role).toBe('member');
    expect((await s.app.inject({ url: '/api/v1/registration' })).json()).toEqual({ open: true, needsOwner: false });
  });

  it('the demo account (published password) is seeded only where only this machine can reach', async () => {
    expect(['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.20', 'tv.local', '::ffff:192.168.1.20'].some(isLoopbackHost)).toBe(false);
    expect(isLoopbackHost('::ffff:127.0.0.1')).toBe(true);
    s = await startTestServer({ openRegistration: false });
    expect(await seedDemo(s.global.store, s.global.accounts, false)).toEqual({ programs: 0, account: false });
    expect(await s.global.store.countUsers()).toBe(0);
    expect((await seedDemo(s.global.store, s.global.accounts, true)).account).toBe(true);
    expect((await s.global.store.findUserByLogin('demo@resume.local'))?.role).toBe('owner');
    // Its published password opens it only from this machine, never from the network.
    const demoLogin = (remoteAddress: string, password = 'resume-demo') =>
      s.app.inject({ method: 'POST', url: '/api/v1/sessions', remoteAddress, payload: { login: 'demo@resume.local', password } });
    expect((await demoLogin('127.0.0.1')).statusCode).toBe(201);
    expect((await demoLogin('::ffff:127.0.0.1')).statusCode).toBe(201);
    const remote = await demoLogin('192.168.1.7');
    expect(remote.statusCode).toBe(401);
    expect(remote.json().code).toBe('BAD_CREDENTIALS');
    // With a password of its own it is an ordinary account.
    const token = (await demoLogin('127.0.0.1')).json<{ token: string }>().token;
    await s.app.inject({ method: 'POST', url: '/api/v1/account/password', headers: bearer(token), payload: { oldPassword: 'resume-demo', newPassword: 'our-own-password' } });
    expect((await demoLogin('192.168.1.7', 'our-own-password')).statusCode).toBe(201);
  });
});

describe('password, sign-out, deletion, export', () => {
  async function household() {
    s = await startTestServer();
    const sessionA = await signUp(s.app, 'home@example.com');
    const sessionB = (await login('home@example.com')).json<{ token: string }>().token;
    const tv = await addTerminal(s.app, sessionA, 'TV', 'stb');
    const pc = await addTerminal(s.app, sessionA, 'PC', 'pc');
    const other = await addTerminal(s.app, await signUp(s.app, 'neighbour@example.com'), 'Their PC', 'pc');
    await postReports(s.app, [clusterReport(tv.id, 'ocean', 300_000, 1, { playToken: 'pt1.secret' }), clusterReport(other.id, 'city', 120_000, 1)]);
    return { sessionA, sessionB, tv, pc, other };
  }

  it('changing the password keeps this session (and a named terminal), ends every other', async () => {
    const h = await household();
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/account/password', headers: bearer(h.sessionA), payload: { oldPassword: PW, newPassword: 'a-brand-new-pw', keepTerminalId: h.pc.id } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<RevocationSummary>()).toEqual({ endedSessions: 1, signedOutTerminals: 1 });
    expect(await me(h.sessionA)).toBe(200);
    expect(await me(h.sessionB)).toBe(401);
    expect(await me(h.pc.credential)).toBe(200);
    expect(await me(h.tv.credential)).toBe(401);
    expect(await me(h.other.credential)).toBe(200);
    expect((await login('home@example.com')).statusCode).toBe(401);
    expect((await login('home@example.com', 'a-brand-new-pw')).statusCode).toBe(201);
    // The signed-out TV's record stays (other terminals resume from it).
    const home = (await s.app.inject({ url: '/portal/v1/home', headers: bearer(h.pc.credential) })).json<HomePage>();
    expect(home.continueWatching.map((c) => [c.program.id, c.record.terminalName])).toEqual([['ocean', 'TV']]);
    const list = (await s.app.inject({ url: '/api/v1/terminals', headers: bearer(h.sessionA) })).json<{ terminals: { id: string }[] }>();
    expect(list.terminals.map((t) => t.id)).toEqual([h.pc.id]);
  });

  it('from a terminal: that terminal is kept; signOutTerminals:false keeps every terminal', async () => {
    const h = await household();
    const fromTv = await s.app.inject({ method: 'POST', url: '/api/v1/account/password', headers: bearer(h.tv.credential), payload: { oldPassword: PW, newPassword: 'second-password', signOutTerminals: false } });
    expect(fromTv.json()).toEqual({ endedSessions: 2, signedOutTerminals: 0 });
    expect([await me(h.tv.credential), await me(h.pc.credential), await me(h.sessionA)]).toEqual([200, 200, 401]);
    const again = await s.app.inject({ method: 'POST', url: '/api/v1/account/password', headers: bearer(h.tv.credential), payload: { oldPassword: 'second-password', newPassword: 'third-password' } });
    expect(again.json()).toEqual({ endedSessions: 0, signedOutTerminals: 1 });
    expect([await me(h.tv.credential), await me(h.pc.credential)]).toEqual([200, 401]);
  });

  it('sign out everywhere ends every session and terminal, the caller’s too', async () => {
    const h = await household();
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/account/sign-out-everywhere', headers: bearer(h.pc.credential) });
    expect(res.json()).toEqual({ endedSessions: 2, signedOutTerminals: 2 });
    expect([await me(h.sessionA), await me(h.sessionB), await me(h.tv.credential), await me(h.pc.credential), await me(h.other.credential)]).toEqual([401, 401, 401, 401, 200]);
  });

  it('a terminal signs itself out: its credential ends, its history stays, signing out twice is 401', async () => {
    const h = await household();
    expect((await s.app.inject({ method: 'DELETE', url: '/api/v1/sessions/current', headers: bearer(h.tv.credential) })).statusCode).toBe(204);
    expect(await me(h.tv.credential)).toBe(401);
    expect((await s.app.inject({ method: 'DELETE', url: '/api/v1/sessions/current', headers: bearer(h.tv.credential) })).statusCode).toBe(401);
    const home = (await s.app.inject({ url: '/portal/v1/home', headers: bearer(h.pc.credential) })).json<HomePage>();
    expect(home.continueWatching.map((c) => c.record.terminalId)).toEqual([h.tv.id]);
    // Its play token is dead, so the page does not hand it out.
    expect(home.continueWatching[0]?.record.playToken).toBeUndefined();
  });

  it('deleting the account removes all of it in one transaction, and says what', async () => {
    const h = await household();
    await s.app.inject({ method: 'DELETE', url: '/api/v1/continue-watching/ocean', headers: bearer(h.pc.credential) });
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/account/delete', headers: bearer(h.tv.credential), payload: { password: PW } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<DeleteAccountResponse>().deleted).toEqual({ accounts: 1, terminals: 2, historyRecords: 1, hiddenProgrammes: 1, sessions: 2, deviceCodes: 0, reportIds: 1, profiles: 1 });
    expect([await me(h.sessionA), await me(h.tv.credential), await me(h.pc.credential), await me(h.other.credential)]).toEqual([401, 401, 401, 200]);
    const db = (await s.dump()) as Record<string, { user_id?: string; login?: string }[]>;
    expect(db.users?.map((u) => u.login)).toEqual(['neighbour@example.com']);
    for (const table of ['terminals', 'history', 'history_reports', 'hidden_programs', 'user_sessions']) {
      expect((db[table] ?? []).filter((r) => r.user_id !== undefined && !(db.users as unknown as { id: string }[]).some((u) => u.id === r.user_id))).toEqual([]);
    }
    // The login is free again.
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/accounts', payload: { login: 'home@example.com', password: PW } })).statusCode).toBe(201);
  });

  it('export has the account, every terminal (signed-out ones too) and the history, without secrets', async () => {
    const h = await household();
    await s.app.inject({ method: 'DELETE', url: '/api/v1/sessions/current', headers: bearer(h.tv.credential) });
    const res = await s.app.inject({ url: '/api/v1/account/export', headers: bearer(h.pc.credential) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="resume-anywhere-export-\d{4}-\d\d-\d\d\.json"$/);
    const data = res.json<AccountExport>();
    expect(Value.Check(AccountExport, data)).toBe(true);
    expect(data.account.login).toBe('home@example.com');
    expect(data.terminals.map((t) => [t.name, t.signedOutAt === null])).toEqual([['TV', false], ['PC', true]]);
    expect(data.history.map((r) => [r.terminalName, r.programId, r.breakpoint])).toEqual([['TV', 'ocean', { kind: 'offset', offsetMs: 300_000 }]]);
    expect(res.body).not.toContain('pt1.secret');
    expect(res.body).not.toMatch(/passwordHash|password_hash|credential/i);
    expect(res.body).not.toContain('Their PC');
  });
});
