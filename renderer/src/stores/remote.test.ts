import { describe, expect, it } from 'vitest';
import type { RemoteAnswerRequest, RemoteCommandEvent, RemoteCommandRequest } from '../../../common/protocol/remote.ts';
import { ApiError } from '../api/http.ts';
import { createRemoteStore, type RemotePlayer } from './remote.ts';

const ME = 'term-me-0001';
const ev = (over: Partial<RemoteCommandEvent>): RemoteCommandEvent => ({
  type: 'remote', commandId: 'cmd-00000001', toTerminalId: ME, fromTerminalId: 'term-ph-0001', fromTerminalName: 'Phone',
  sessionId: 'sess-me-0001', command: 'pause', at: 1, ...over,
});

/** A player that records what it was told. */
function recorder(sessionId: string | null = 'sess-me-0001') {
  const calls: string[] = [];
  const player: RemotePlayer = {
    sessionId: () => sessionId,
    play: () => void calls.push('play'),
    pause: () => void calls.push('pause'),
    seekBy: (dt) => void calls.push(`seekBy ${dt}`),
    seekTo: (t) => void calls.push(`seekTo ${t}`),
    close: async () => void calls.push('close'),
  };
  return { player, calls };
}

function setup(opts: { player?: RemotePlayer | null; live?: boolean; claimCode?: string; sendError?: ApiError } = {}) {
  const answers: RemoteAnswerRequest[] = [];
  const sent: RemoteCommandRequest[] = [];
  const store = createRemoteStore({
    api: {
      remoteCommand: async (b) => {
        sent.push(b);
        if (opts.sendError) throw opts.sendError;
        return { commandId: 'cmd-00000001', outcome: 'done', terminalId: 'term-tv-0001' };
      },
      remoteAnswer: async (b) => void answers.push(b),
      remoteTargets: async () => ({ terminals: [{ terminalId: 'term-tv-0001', name: 'TV', type: 'stb' }] }),
    },
    selfId: () => ME,
    active: () => opts.player ?? null,
    isLive: () => opts.live === true,
    claim: async (sessionId) =>
      opts.claimCode
        ? { ok: false, code: opts.claimCode }
        : { ok: true, claim: { sessionId, programId: 'ocean', fromTerminalId: 'term-tv-0001', fromTerminalName: 'TV', fromTerminalType: 'stb', point: { kind: 'offset', offsetMs: 1 }, at: 1, playing: true, playToken: 'pt1.a.b' } },
  });
  const settled = () => new Promise((r) => setTimeout(r, 0));
  return { store, answers, sent, settled };
}

describe('remote store: obeying', () => {
  it('carries out a command for its own session and answers it', async () => {
    const { player, calls } = recorder();
    const { store, answers, settled } = setup({ player });
    store.getState().applyPush(ev({ command: 'pause' }));
    store.getState().applyPush(ev({ commandId: 'cmd-00000002', command: 'seek-by', deltaMs: -10_000 }));
    store.getState().applyPush(ev({ commandId: 'cmd-00000003', command: 'seek-to', offsetMs: 30_000 }));
    store.getState().applyPush(ev({ commandId: 'cmd-00000004', command: 'stop' }));
    await settled();
    expect(calls).toEqual(['pause', 'seekBy -10', 'seekTo 30', 'close']);
    expect(answers.map((a) => a.ok)).toEqual([true, true, true, true]);
    expect(store.getState().stopped).toBe('sess-me-0001');
  });

  it('ignores another terminal’s command, refuses one for a session it does not play, and a seek-to on a live channel', async () => {
    const { player, calls } = recorder('sess-other-01');
    const { store, answers, settled } = setup({ player });
    store.getState().applyPush(ev({ toTerminalId: 'term-tv-0001' }));
    store.getState().applyPush(ev({ commandId: 'cmd-00000002' }));
    await settled();
    expect(calls).toEqual([]);
    expect(answers).toEqual([{ commandId: 'cmd-00000002', ok: false, reason: 'not-playing' }]);

    const live = setup({ player: recorder().player, live: true });
    live.store.getState().applyPush(ev({ command: 'seek-to', offsetMs: 1_000 }));
    await live.settled();
    expect(live.answers).toEqual([{ commandId: 'cmd-00000001', ok: false, reason: 'unsupported' }]);
  });

  it('play-on claims the session (the UI then opens it); a refused claim is answered not-allowed', async () => {
    const { store, answers, settled } = setup();
    store.getState().applyPush(ev({ command: 'play-on', sessionId: 'sess-tv-0001' }));
    await settled();
    expect(store.getState().playOn).toEqual({ programId: 'ocean', sessionId: 'sess-tv-0001' });
    expect(answers).toEqual([{ commandId: 'cmd-00000001', ok: true }]);
    const refused = setup({ claimCode: 'HANDOFF_NOT_ALLOWED' });
    refused.store.getState().applyPush(ev({ command: 'play-on' }));
    await refused.settled();
    expect(refused.answers).toEqual([{ commandId: 'cmd-00000001', ok: false, reason: 'not-allowed' }]);
    expect(refused.store.getState().playOn).toBeNull();
  });
});

describe('remote store: sending', () => {
  it('sends, and says a refusal’s code and reason', async () => {
    const ok = setup();
    expect(await ok.store.getState().send({ sessionId: 'sess-tv-0001', command: 'play' })).toEqual({ ok: true });
    expect(ok.store.getState().sending).toBeNull();
    const no = setup({ sendError: new ApiError('REMOTE_REFUSED', 'busy', 409, { commandId: 'cmd-00000001', reason: 'busy' }) });
    expect(await no.store.getState().send({ sessionId: 'sess-tv-0001', command: 'pause' })).toEqual({ ok: false, code: 'REMOTE_REFUSED', reason: 'busy' });
    await ok.store.getState().loadTargets();
    expect(ok.store.getState().targets.map((t) => t.name)).toEqual(['TV']);
  });
});
