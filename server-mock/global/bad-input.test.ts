/**
 * Every route tried with bad input — missing or wrong-typed fields, unknown ids, huge bodies,
 * bad or another user's credentials: each gets a 4xx with its stable code, and the database
 * is byte-for-byte the same afterwards (compared table by table).
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTerminal, ADMIN_TOKEN, clusterReport, SERVICE_AUTH, signUp, startTestServer, type TestServer } from '../testing/harness.ts';

let s: TestServer;
let alice: string;
let bob: string;
let aliceTv: { id: string; credential: string };
let bobPc: { id: string; credential: string };
let revoked: string;
let aliceProfile: string;
let bobProfile: string;

beforeAll(async () => {
  s = await startTestServer();
  alice = await signUp(s.app, 'alice@example.com');
  bob = await signUp(s.app, 'bob@example.com');
  aliceTv = await addTerminal(s.app, alice, 'TV', 'stb');
  bobPc = await addTerminal(s.app, bob, 'PC', 'pc');
  const gone = await addTerminal(s.app, alice, 'Old phone', 'mobile');
  revoked = gone.credential;
  await s.app.inject({ method: 'DELETE', url: `/api/v1/terminals/${gone.id}`, headers: { authorization: `Bearer ${alice}` } });
  const profileOf = async (token: string) => (await s.app.inject({ url: '/api/v1/profiles', headers: { authorization: `Bearer ${token}` } })).json<{ profiles: { id: string }[] }>().profiles[0]?.id as string;
  aliceProfile = await profileOf(alice);
  bobProfile = await profileOf(bob);
});
afterAll(async () => {
  await s.close();
});

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const good = () => clusterReport(aliceTv.id, 'ocean', 60_000, 1);
const batch = (over: Record<string, unknown>) => ({ sentAt: Date.now(), reports: [{ ...good(), ...over }] });
const syncBatch = (over: Record<string, unknown>) => {
  const { terminalId: _t, ...report } = good();
  return { sentAt: Date.now(), reports: [{ ...report, ...over }] };
};
const huge = 'x'.repeat(600 * 1024);

type Case = [name: string, request: () => InjectOptions, status: number, code: string];

const cases: Case[] = [
  // accounts and sessions
  ['register: missing password', () => ({ method: 'POST', url: '/api/v1/accounts', payload: { login: 'new@example.com' } }), 400, 'VALIDATION_FAILED'],
  ['register: password of wrong type', () => ({ method: 'POST', url: '/api/v1/accounts', payload: { login: 'new@example.com', password: 12345678 } }), 400, 'VALIDATION_FAILED'],
  ['register: short password', () => ({ method: 'POST', url: '/api/v1/accounts', payload: { login: 'new@example.com', password: 'short' } }), 400, 'VALIDATION_FAILED'],
  ['register: unknown field', () => ({ method: 'POST', url: '/api/v1/accounts', payload: { login: 'new@example.com', password: 'long-enough-pw', admin: true } }), 400, 'VALIDATION_FAILED'],
  ['register: login taken (any case)', () => ({ method: 'POST', url: '/api/v1/accounts', payload: { login: 'ALICE@example.com', password: 'long-enough-pw' } }), 409, 'ACCOUNT_EXISTS'],
  ['register: not JSON', () => ({ method: 'POST', url: '/api/v1/accounts', headers: { 'content-type': 'application/json' }, payload: '{"login":' }), 400, 'BAD_BODY'],
  ['register: wrong content type', () => ({ method: 'POST', url: '/api/v1/accounts', headers: { 'content-type': 'text/plain' }, payload: 'hello' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ['register: huge body', () => ({ method: 'POST', url: '/api/v1/accounts', payload: { login: 'new@example.com', password: huge } }), 413, 'BODY_TOO_LARGE'],
  ['login: wrong password', () => ({ method: 'POST', url: '/api/v1/sessions', payload: { login: 'alice@example.com', password: 'wrong-password' } }), 401, 'BAD_CREDENTIALS'],
  ['login: unknown account', () => ({ method: 'POST', url: '/api/v1/sessions', payload: { login: 'nobody@example.com', password: 'wrong-password' } }), 401, 'BAD_CREDENTIALS'],
  ['logout: no credential', () => ({ method: 'DELETE', url: '/api/v1/sessions/current' }), 401, 'UNAUTHENTICATED'],
  ['logout: revoked terminal credential', () => ({ method: 'DELETE', url: '/api/v1/sessions/current', headers: bearer(revoked) }), 401, 'UNAUTHENTICATED'],
  ['logout: service credential', () => ({ method: 'DELETE', url: '/api/v1/sessions/current', headers: { authorization: SERVICE_AUTH } }), 401, 'UNAUTHENTICATED'],
  ['register: forged bearer (owner-created accounts need a real session)', () => ({ method: 'POST', url: '/api/v1/accounts', headers: bearer('ras_forged'), payload: { login: 'new@example.com', password: 'long-enough-pw' } }), 401, 'UNAUTHENTICATED'],
  ['register: a member creating an account', () => ({ method: 'POST', url: '/api/v1/accounts', headers: bearer(bob), payload: { login: 'new@example.com', password: 'long-enough-pw' } }), 403, 'OWNER_ONLY'],
  // text PostgreSQL cannot store (U+0000) and names no screen can show (control characters): a 500 on PostgreSQL before
  ['login: a NUL in the login', () => ({ method: 'POST', url: '/api/v1/sessions', payload: { login: 'alice\u0000@example.com', password: 'wrong-password' } }), 400, 'VALIDATION_FAILED'],
  ['terminal: a NUL in its name', () => ({ method: 'POST', url: '/api/v1/terminals', headers: bearer(alice), payload: { name: 'TV\u0000', type: 'stb' } }), 400, 'VALIDATION_FAILED'],
  ['terminal: a newline in its new name', () => ({ method: 'PATCH', url: `/api/v1/terminals/${aliceTv.id}`, headers: bearer(alice), payload: { name: 'Living\nroom' } }), 400, 'VALIDATION_FAILED'],
  ['profile: an escape character in its name', () => ({ method: 'POST', url: '/api/v1/profiles', headers: bearer(alice), payload: { name: 'Kid\u001b[31m' } }), 400, 'VALIDATION_FAILED'],
  ['device code: a NUL in the TV’s name', () => ({ method: 'POST', url: '/api/v1/device/authorize', payload: { name: 'TV\u0000', type: 'stb' } }), 400, 'VALIDATION_FAILED'],
  ['sync: a NUL in a free-text field', () => ({ method: 'POST', url: '/api/v1/history/sync', headers: bearer(aliceTv.credential), payload: syncBatch({ reportId: 'nul-report-0001', tracks: { audioLanguage: 'en\u0000' } }) }), 400, 'VALIDATION_FAILED'],
  ['catalogue: a NUL in a title', () => ({ method: 'PUT', url: '/admin/v1/programs', headers: bearer(ADMIN_TOKEN), payload: { programs: [{ id: 'nul-show', title: 'Nul\u0000', synopsis: '', durationMs: 600_000, kind: 'vod', terminalTypes: ['pc'], artwork: 'x/poster.jpg', links: [{ dash: 'x/manifest.mpd' }] }] } }), 400, 'VALIDATION_FAILED'],
  // account lifecycle
  ['password: no credential', () => ({ method: 'POST', url: '/api/v1/account/password', payload: { oldPassword: 'correct-horse-battery', newPassword: 'another-long-pw' } }), 401, 'UNAUTHENTICATED'],
  ['password: wrong old password', () => ({ method: 'POST', url: '/api/v1/account/password', headers: bearer(alice), payload: { oldPassword: 'not-the-password', newPassword: 'another-long-pw' } }), 403, 'WRONG_PASSWORD'],
  ['password: new one too short', () => ({ method: 'POST', url: '/api/v1/account/password', headers: bearer(alice), payload: { oldPassword: 'correct-horse-battery', newPassword: 'short' } }), 400, 'VALIDATION_FAILED'],
  ['password: unknown field', () => ({ method: 'POST', url: '/api/v1/account/password', headers: bearer(alice), payload: { oldPassword: 'correct-horse-battery', newPassword: 'another-long-pw', force: true } }), 400, 'VALIDATION_FAILED'],
  ['password: keep another user’s terminal', () => ({ method: 'POST', url: '/api/v1/account/password', headers: bearer(alice), payload: { oldPassword: 'correct-horse-battery', newPassword: 'another-long-pw', keepTerminalId: bobPc.id } }), 404, 'TERMINAL_NOT_FOUND'],
  ['password: signOutTerminals of wrong type', () => ({ method: 'POST', url: '/api/v1/account/password', headers: bearer(alice), payload: { oldPassword: 'correct-horse-battery', newPassword: 'another-long-pw', signOutTerminals: 'yes' } }), 400, 'VALIDATION_FAILED'],
  ['password: revoked terminal', () => ({ method: 'POST', url: '/api/v1/account/password', headers: bearer(revoked), payload: { oldPassword: 'correct-horse-battery', newPassword: 'another-long-pw' } }), 401, 'UNAUTHENTICATED'],
  ['sign out everywhere: forged credential', () => ({ method: 'POST', url: '/api/v1/account/sign-out-everywhere', headers: bearer('rat_forged') }), 401, 'UNAUTHENTICATED'],
  ['sign out everywhere: service credential', () => ({ method: 'POST', url: '/api/v1/account/sign-out-everywhere', headers: { authorization: SERVICE_AUTH } }), 401, 'UNAUTHENTICATED'],
  ['delete account: wrong password', () => ({ method: 'POST', url: '/api/v1/account/delete', headers: bearer(alice), payload: { password: 'not-the-password' } }), 403, 'WRONG_PASSWORD'],
  ['delete account: no password', () => ({ method: 'POST', url: '/api/v1/account/delete', headers: bearer(aliceTv.credential), payload: {} }), 400, 'VALIDATION_FAILED'],
  ['delete account: no credential', () => ({ method: 'POST', url: '/api/v1/account/delete', payload: { password: 'correct-horse-battery' } }), 401, 'UNAUTHENTICATED'],
  ['delete account: not JSON', () => ({ method: 'POST', url: '/api/v1/account/delete', headers: { ...bearer(alice), 'content-type': 'application/json' }, payload: '{"password":' }), 400, 'BAD_BODY'],
  ['export: no credential', () => ({ method: 'GET', url: '/api/v1/account/export' }), 401, 'UNAUTHENTICATED'],
  ['export: admin token', () => ({ method: 'GET', url: '/api/v1/account/export', headers: bearer(ADMIN_TOKEN) }), 401, 'UNAUTHENTICATED'],
  ['revocation feed: terminal credential', () => ({ method: 'GET', url: '/global/v1/revocations', headers: bearer(aliceTv.credential) }), 401, 'UNAUTHENTICATED'],
  // profiles
  ['profiles: no credential', () => ({ method: 'GET', url: '/api/v1/profiles' }), 401, 'UNAUTHENTICATED'],
  ['profile create: empty name', () => ({ method: 'POST', url: '/api/v1/profiles', headers: bearer(alice), payload: { name: '' } }), 400, 'VALIDATION_FAILED'],
  ['profile create: 5-digit PIN', () => ({ method: 'POST', url: '/api/v1/profiles', headers: bearer(alice), payload: { name: 'K', pin: '12345' } }), 400, 'VALIDATION_FAILED'],
  ['profile create: PIN of letters', () => ({ method: 'POST', url: '/api/v1/profiles', headers: bearer(alice), payload: { name: 'K', pin: 'abcd' } }), 400, 'VALIDATION_FAILED'],
  ['profile create: limit above 21', () => ({ method: 'POST', url: '/api/v1/profiles', headers: bearer(alice), payload: { name: 'K', maturityLimit: 22 } }), 400, 'VALIDATION_FAILED'],
  ['profile create: bad language tag', () => ({ method: 'POST', url: '/api/v1/profiles', headers: bearer(alice), payload: { name: 'K', language: 'en_US!' } }), 400, 'VALIDATION_FAILED'],
  ['profile update: empty patch', () => ({ method: 'PATCH', url: `/api/v1/profiles/p-${'x'.repeat(10)}`, headers: bearer(alice), payload: {} }), 400, 'VALIDATION_FAILED'],
  ['profile update: another household’s profile', () => ({ method: 'PATCH', url: `/api/v1/profiles/${bobProfile}`, headers: bearer(alice), payload: { name: 'Mine' } }), 404, 'PROFILE_NOT_FOUND'],
  ['profile delete: another household’s profile', () => ({ method: 'DELETE', url: `/api/v1/profiles/${bobProfile}`, headers: bearer(alice) }), 404, 'PROFILE_NOT_FOUND'],
  ['profile delete: the last one', () => ({ method: 'DELETE', url: `/api/v1/profiles/${aliceProfile}`, headers: bearer(alice) }), 409, 'PROFILE_LIMIT'],
  ['profile delete: malformed id', () => ({ method: 'DELETE', url: '/api/v1/profiles/..%2F', headers: bearer(alice) }), 400, 'VALIDATION_FAILED'],
  ['choose profile: another household’s', () => ({ method: 'PUT', url: '/api/v1/terminals/current/profile', headers: bearer(aliceTv.credential), payload: { profileId: bobProfile } }), 404, 'PROFILE_NOT_FOUND'],
  ['choose profile: with a user session', () => ({ method: 'PUT', url: '/api/v1/terminals/current/profile', headers: bearer(alice), payload: { profileId: aliceProfile } }), 401, 'UNAUTHENTICATED'],
  ['choose profile: bad PIN format', () => ({ method: 'PUT', url: '/api/v1/terminals/current/profile', headers: bearer(aliceTv.credential), payload: { profileId: aliceProfile, pin: '12' } }), 400, 'VALIDATION_FAILED'],
  ['settings: wrong type', () => ({ method: 'PUT', url: '/api/v1/account/settings', headers: bearer(alice), payload: { sharedHistory: 'yes' } }), 400, 'VALIDATION_FAILED'],
  ['settings: unknown field', () => ({ method: 'PUT', url: '/api/v1/account/settings', headers: bearer(alice), payload: { sharedHistory: true, open: true } }), 400, 'VALIDATION_FAILED'],
  ['sync: another household’s profile', () => ({ method: 'POST', url: '/api/v1/history/sync', headers: bearer(aliceTv.credential), payload: syncBatch({ profileId: bobProfile }) }), 404, 'PROFILE_NOT_FOUND'],
  ['report: another household’s profile', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: batch({ profileId: bobProfile }) }), 404, 'PROFILE_NOT_FOUND'],
  ['revocation feed: no credential', () => ({ method: 'GET', url: '/global/v1/revocations' }), 401, 'UNAUTHENTICATED'],
  ['me: forged token', () => ({ method: 'GET', url: '/api/v1/me', headers: bearer('ras_forged') }), 401, 'UNAUTHENTICATED'],
  ['me: revoked terminal', () => ({ method: 'GET', url: '/api/v1/me', headers: bearer(revoked) }), 401, 'UNAUTHENTICATED'],
  // terminals
  ['add terminal: unknown type', () => ({ method: 'POST', url: '/api/v1/terminals', headers: bearer(alice), payload: { name: 'X', type: 'tv' } }), 400, 'VALIDATION_FAILED'],
  ['add terminal: empty name', () => ({ method: 'POST', url: '/api/v1/terminals', headers: bearer(alice), payload: { name: '', type: 'pc' } }), 400, 'VALIDATION_FAILED'],
  ['add terminal: name too long', () => ({ method: 'POST', url: '/api/v1/terminals', headers: bearer(alice), payload: { name: 'n'.repeat(61), type: 'pc' } }), 400, 'VALIDATION_FAILED'],
  ['add terminal: with a terminal credential', () => ({ method: 'POST', url: '/api/v1/terminals', headers: bearer(aliceTv.credential), payload: { name: 'X', type: 'pc' } }), 401, 'UNAUTHENTICATED'],
  ['add terminal: malformed header', () => ({ method: 'POST', url: '/api/v1/terminals', headers: { authorization: 'Basic abc' }, payload: { name: 'X', type: 'pc' } }), 401, 'UNAUTHENTICATED'],
  ['list terminals: no credential', () => ({ method: 'GET', url: '/api/v1/terminals' }), 401, 'UNAUTHENTICATED'],
  ['rename: another user’s terminal', () => ({ method: 'PATCH', url: `/api/v1/terminals/${bobPc.id}`, headers: bearer(alice), payload: { name: 'mine' } }), 404, 'TERMINAL_NOT_FOUND'],
  ['rename: unknown id', () => ({ method: 'PATCH', url: '/api/v1/terminals/unknown-terminal-id', headers: bearer(alice), payload: { name: 'x' } }), 404, 'TERMINAL_NOT_FOUND'],
  ['rename: malformed id', () => ({ method: 'PATCH', url: '/api/v1/terminals/..%2F..', headers: bearer(alice), payload: { name: 'x' } }), 400, 'VALIDATION_FAILED'],
  ['rename: name of wrong type', () => ({ method: 'PATCH', url: `/api/v1/terminals/${aliceTv.id}`, headers: bearer(alice), payload: { name: 42 } }), 400, 'VALIDATION_FAILED'],
  ['remove: another user’s terminal', () => ({ method: 'DELETE', url: `/api/v1/terminals/${bobPc.id}`, headers: bearer(alice) }), 404, 'TERMINAL_NOT_FOUND'],
  // cluster reports (ms2/ms4)
  ['report: no credential', () => ({ method: 'POST', url: '/global/v1/history', payload: batch({}) }), 401, 'UNAUTHENTICATED'],
  ['report: wrong service secret', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: 'Bearer svc_s1.wrong-secret-0123456789' }, payload: batch({}) }), 401, 'UNAUTHENTICATED'],
  ['report: terminal credential', () => ({ method: 'POST', url: '/global/v1/history', headers: bearer(aliceTv.credential), payload: batch({}) }), 401, 'UNAUTHENTICATED'],
  ['report: empty batch', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: { sentAt: Date.now(), reports: [] } }), 400, 'VALIDATION_FAILED'],
  ['report: missing sentAt', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: { reports: [good()] } }), 400, 'VALIDATION_FAILED'],
  ['report: negative offset', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: batch({ breakpoint: { kind: 'offset', offsetMs: -1 } }) }), 400, 'VALIDATION_FAILED'],
  ['report: NaN offset', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: batch({ breakpoint: { kind: 'offset', offsetMs: 'NaN' } }) }), 400, 'VALIDATION_FAILED'],
  ['report: fractional seq', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: batch({ seq: 1.5 }) }), 400, 'VALIDATION_FAILED'],
  ['report: past the end', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: batch({ breakpoint: { kind: 'offset', offsetMs: 21 * 60_000 } }) }), 400, 'INVALID_POSITION'],
  ['report: wall clock for VOD', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: batch({ breakpoint: { kind: 'wallclock', epochMs: Date.now() } }) }), 400, 'INVALID_POSITION'],
  ['report: offset for live', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: batch({ programId: 'live-news' }) }), 400, 'INVALID_POSITION'],
  ['report: live breakpoint in the future', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: batch({ programId: 'live-news', breakpoint: { kind: 'wallclock', epochMs: Date.now() + 3_600_000 } }) }), 400, 'INVALID_POSITION'],
  ['report: unknown terminal', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: batch({ terminalId: 'no-such-terminal' }) }), 404, 'TERMINAL_NOT_FOUND'],
  ['report: unknown programme', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: batch({ programId: 'nope' }) }), 404, 'PROGRAM_NOT_FOUND'],
  ['report: programme not for this type', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: batch({ programId: 'laptop-only' }) }), 403, 'PROGRAM_NOT_ALLOWED'],
  ['report: unknown event', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: batch({ event: 'explode' }) }), 400, 'VALIDATION_FAILED'],
  ['report: 501 reports', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: { sentAt: Date.now(), reports: Array.from({ length: 501 }, (_, i) => ({ ...good(), reportId: `bulk-report-${i}` })) } }), 400, 'VALIDATION_FAILED'],
  ['report: huge body', () => ({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: batch({ playToken: huge }) }), 413, 'BODY_TOO_LARGE'],
  // terminal's own sync
  ['sync: names a terminal id', () => ({ method: 'POST', url: '/api/v1/history/sync', headers: bearer(aliceTv.credential), payload: batch({ terminalId: bobPc.id }) }), 400, 'VALIDATION_FAILED'],
  ['sync: revoked credential', () => ({ method: 'POST', url: '/api/v1/history/sync', headers: bearer(revoked), payload: syncBatch({}) }), 401, 'UNAUTHENTICATED'],
  ['sync: user session instead of terminal', () => ({ method: 'POST', url: '/api/v1/history/sync', headers: bearer(alice), payload: syncBatch({}) }), 401, 'UNAUTHENTICATED'],
  ['sync: observedAt of wrong type', () => ({ method: 'POST', url: '/api/v1/history/sync', headers: bearer(aliceTv.credential), payload: syncBatch({ observedAt: 'yesterday' }) }), 400, 'VALIDATION_FAILED'],
  // portal queries and introspection
  ['programs: unknown terminal', () => ({ method: 'GET', url: '/global/v1/programs?terminalId=unknown-terminal-id', headers: { authorization: SERVICE_AUTH } }), 404, 'TERMINAL_NOT_FOUND'],
  ['programs: malformed terminal id', () => ({ method: 'GET', url: '/global/v1/programs?terminalId=%27%3B%20DROP', headers: { authorization: SERVICE_AUTH } }), 400, 'VALIDATION_FAILED'],
  ['programs: terminal credential', () => ({ method: 'GET', url: `/global/v1/programs?terminalId=${aliceTv.id}`, headers: bearer(bobPc.credential) }), 401, 'UNAUTHENTICATED'],
  ['introspect: no credential field', () => ({ method: 'POST', url: '/global/v1/terminals/introspect', headers: { authorization: SERVICE_AUTH }, payload: {} }), 400, 'VALIDATION_FAILED'],
  ['introspect: not a service', () => ({ method: 'POST', url: '/global/v1/terminals/introspect', headers: bearer(aliceTv.credential), payload: { credential: aliceTv.credential } }), 401, 'UNAUTHENTICATED'],
  ['hide: unknown programme', () => ({ method: 'DELETE', url: '/api/v1/continue-watching/nope', headers: bearer(aliceTv.credential) }), 404, 'PROGRAM_NOT_FOUND'],
  ['hide: malformed programme id', () => ({ method: 'DELETE', url: '/api/v1/continue-watching/NOT%20VALID', headers: bearer(aliceTv.credential) }), 400, 'VALIDATION_FAILED'],
  ['hide: user session instead of terminal', () => ({ method: 'DELETE', url: '/api/v1/continue-watching/ocean', headers: bearer(alice) }), 401, 'UNAUTHENTICATED'],
  ['events: no credential', () => ({ method: 'GET', url: '/api/v1/events' }), 401, 'UNAUTHENTICATED'],
  ['events: forged query token', () => ({ method: 'GET', url: '/api/v1/events?access_token=rat_forged' }), 401, 'UNAUTHENTICATED'],
  ['home: no credential', () => ({ method: 'GET', url: '/portal/v1/home' }), 401, 'UNAUTHENTICATED'],
  ['home: user session instead of terminal', () => ({ method: 'GET', url: '/portal/v1/home', headers: bearer(alice) }), 401, 'UNAUTHENTICATED'],
  ['home: revoked terminal', () => ({ method: 'GET', url: '/portal/v1/home', headers: bearer(revoked) }), 401, 'UNAUTHENTICATED'],
  // admin
  ['admin upsert: no token', () => ({ method: 'PUT', url: '/admin/v1/programs', payload: { programs: [] } }), 401, 'UNAUTHENTICATED'],
  ['admin upsert: a user token', () => ({ method: 'PUT', url: '/admin/v1/programs', headers: bearer(alice), payload: { programs: [] } }), 401, 'UNAUTHENTICATED'],
  ['admin upsert: programme without links', () => ({ method: 'PUT', url: '/admin/v1/programs', headers: bearer(ADMIN_TOKEN), payload: { programs: [{ id: 'x', title: 'X', synopsis: '', durationMs: 1, kind: 'vod', terminalTypes: ['pc'], artwork: '', links: [] }] } }), 400, 'VALIDATION_FAILED'],
  ['admin upsert: duplicate ids', () => ({ method: 'PUT', url: '/admin/v1/programs', headers: bearer(ADMIN_TOKEN), payload: { programs: [1, 2].map(() => ({ id: 'dup', title: 'D', synopsis: '', durationMs: 1, kind: 'vod', terminalTypes: ['pc'], artwork: '', links: [{ dash: 'd.mpd' }] })) } }), 400, 'VALIDATION_FAILED'],
  ['admin delete: unknown programme', () => ({ method: 'DELETE', url: '/admin/v1/programs/nope', headers: bearer(ADMIN_TOKEN) }), 404, 'PROGRAM_NOT_FOUND'],
  ['admin retention: a service credential', () => ({ method: 'POST', url: '/admin/v1/retention/run', headers: { authorization: SERVICE_AUTH } }), 401, 'UNAUTHENTICATED'],
  ['unknown route', () => ({ method: 'GET', url: '/api/v1/nothing-here' }), 404, 'ROUTE_NOT_FOUND'],
];

describe('bad input gets a clear 4xx and changes nothing', () => {
  it.each(cases)('%s', async (_name, request, status, code) => {
    // Seed one real record so "unchanged" covers history too.
    await s.app.inject({ method: 'POST', url: '/global/v1/history', headers: { authorization: SERVICE_AUTH }, payload: { sentAt: Date.now(), reports: [clusterReport(aliceTv.id, 'city', 120_000, 100)] } });
    const before = (await s.dump());
    const res = await s.app.inject(request());
    expect(res.statusCode, res.body).toBe(status);
    const body = res.json();
    expect(body.code).toBe(code);
    expect(typeof body.message).toBe('string');
    expect(body.message.length).toBeGreaterThan(0);
    expect((await s.dump())).toEqual(before);
  });
});

describe('rate limiting', () => {
  it('login attempts past the limit get 429 with a retry hint', async () => {
    const limited = await startTestServer({ authRateLimit: 3 });
    try {
      const attempt = () => limited.app.inject({ method: 'POST', url: '/api/v1/sessions', payload: { login: 'x@example.com', password: 'wrong-password' } });
      for (let i = 0; i < 3; i++) expect((await attempt()).statusCode).toBe(401);
      const res = await attempt();
      expect(res.statusCode).toBe(429);
      expect(res.json().code).toBe('RATE_LIMITED');
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await limited.close();
    }
  });
});
