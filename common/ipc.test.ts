import { describe, expect, it } from 'vitest';
import {
  eventChannel,
  INVOKE_METHODS,
  invokeChannel,
  IPC_INVOKE,
  methodOfChannel,
  normalizeArgs,
  parseEvent,
  parseReply,
  parseRequest,
  type PlaybackPosition,
} from './ipc.ts';
import { DEFAULT_SETTINGS, type TerminalIdentityRecord } from './platform.ts';

const identity: TerminalIdentityRecord = {
  serverUrl: 'http://127.0.0.1:8750',
  terminalId: 'term_0123456789',
  terminalName: 'Living-room PC',
  terminalType: 'pc',
  credential: 'rat_abcdefghijklmnop',
  login: 'demo@resume.local',
};

const position: PlaybackPosition = {
  programId: 'harbour-lights',
  breakpoint: { kind: 'offset', offsetMs: 123_000 },
  observedAt: 1_760_000_000_000,
};

describe('the IPC contract', () => {
  it('declares one channel per PlatformBridge method, the extensions and the ack', () => {
    expect([...INVOKE_METHODS].sort()).toEqual(
      [
        'info', 'loadIdentity', 'saveIdentity', 'loadSettings', 'saveSettings', 'outboxLoad', 'outboxAppend', 'outboxRemove',
        'cacheGet', 'cacheSet', 'nextSeq', 'lifecycleDone', 'reportPlayback', 'serverStatus',
        'libraryOverview', 'libraryAddFolders', 'libraryRemoveFolder', 'libraryScan', 'libraryEditProgram',
      ].sort(),
    );
    for (const m of INVOKE_METHODS) {
      expect(methodOfChannel(invokeChannel(m))).toBe(m);
      expect(IPC_INVOKE[m].doc.length).toBeGreaterThan(10);
    }
    expect(eventChannel('lifecycle')).toBe('ra:event:lifecycle');
  });

  it('knows no channel outside the table, including prototype names and other prefixes', () => {
    for (const c of ['ra:nope', 'ra:toString', 'ra:__proto__', 'ra:constructor', 'info', 'electron-store-get-data', 'ra:event:lifecycle', '', 42, null]) {
      expect(methodOfChannel(c)).toBeNull();
    }
  });

  it('accepts well-formed argument tuples', () => {
    expect(parseRequest('info', []).ok).toBe(true);
    expect(parseRequest('saveIdentity', [identity]).ok).toBe(true);
    expect(parseRequest('saveIdentity', [null]).ok).toBe(true);
    expect(parseRequest('saveSettings', [{ mode: 'tv' }]).ok).toBe(true);
    expect(parseRequest('outboxAppend', ['reports', { seq: 3, item: { any: 'thing' } }]).ok).toBe(true);
    expect(parseRequest('outboxRemove', ['reports', [1, 2, 3]]).ok).toBe(true);
    expect(parseRequest('cacheSet', ['home:term_0123456789', { rows: [] }]).ok).toBe(true);
    expect(parseRequest('nextSeq', []).ok).toBe(true);
    expect(parseRequest('nextSeq', [41]).ok).toBe(true);
    expect(parseRequest('reportPlayback', [position]).ok).toBe(true);
    expect(parseRequest('reportPlayback', [null]).ok).toBe(true);
    expect(parseRequest('lifecycleDone', [{ id: 1, listeners: 1 }]).ok).toBe(true);
  });

  it.each([
    ['info', [1]],
    ['info', 'not an array'],
    ['saveIdentity', [{ ...identity, credential: 'short' }]],
    ['saveIdentity', [{ ...identity, terminalType: 'toaster' }]],
    ['saveIdentity', []],
    ['saveSettings', [{ mode: 'cinema' }]],
    ['saveSettings', [{ evil: true }]],
    ['outboxLoad', ['secrets']],
    ['outboxAppend', ['reports', { seq: -1, item: 1 }]],
    ['outboxAppend', ['reports', { seq: 1, item: 1, extra: 2 }]],
    ['outboxRemove', ['reports', ['1']]],
    ['cacheGet', ['../../etc/passwd']],
    ['cacheGet', ['']],
    ['nextSeq', [1.5]],
    ['nextSeq', [1, 2]],
    ['reportPlayback', [{ ...position, breakpoint: { kind: 'offset', offsetMs: -5 } }]],
    ['reportPlayback', [{ ...position, programId: 'Not A Slug' }]],
    ['lifecycleDone', [{ id: 1 }]],
  ] as const)('refuses %s with %j', (method, args) => {
    const r = parseRequest(method, args);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('VALIDATION_FAILED');
      expect(r.error.message).toContain(`ra:${method}`);
      expect((r.error.details as { problems: unknown[] }).problems.length).toBeGreaterThan(0);
    }
  });

  it('drops trailing undefined arguments only', () => {
    expect(normalizeArgs([undefined])).toEqual([]);
    expect(normalizeArgs([1, undefined, undefined])).toEqual([1]);
    expect(normalizeArgs([undefined, 1])).toEqual([undefined, 1]);
    expect(parseRequest('nextSeq', normalizeArgs([undefined])).ok).toBe(true);
  });

  it('parses reply envelopes against the reply schema', () => {
    expect(parseReply('loadSettings', { ok: true, value: DEFAULT_SETTINGS })).toEqual({ ok: true, value: DEFAULT_SETTINGS });
    expect(parseReply('saveIdentity', { ok: true, value: undefined })).toEqual({ ok: true, value: undefined });
    expect(parseReply('nextSeq', { ok: true, value: 'seven' })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(parseReply('nextSeq', { ok: false, error: { code: 'VALIDATION_FAILED', message: 'no' } })).toEqual({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: 'no' },
    });
    for (const bad of [null, 7, {}, { ok: 'yes' }, { ok: false }, { ok: false, error: 'x' }]) {
      expect(parseReply('info', bad)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    }
  });

  it('parses lifecycle events', () => {
    expect(parseEvent('lifecycle', { id: 1, event: 'quit' })).toEqual({ id: 1, event: 'quit' });
    expect(parseEvent('lifecycle', { id: 1, event: 'explode' })).toBeNull();
    expect(parseEvent('lifecycle', { event: 'quit' })).toBeNull();
  });
});
