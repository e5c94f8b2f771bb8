import { describe, expect, it } from 'vitest';
import type { RemoteAnswerRequest, RemoteCommandEvent, RemoteCommandRequest } from '../../../common/protocol/remote.ts';
import { ApiError } from '../api/http.ts';
import { createPlayerStore, playerStarted } from './player.ts';
import { createRemoteStore, remoteTracksOf, PLAY_PROGRAM_WAIT_MS, type RemotePlayer, type StartOutcome } from './remote.ts';

const TRACKS = { audio: ['en', 'fr'], subtitles: ['en', 'zh-Hans'], audioLanguage: 'en', subtitleLanguage: null };

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
    selectAudio: (l) => void calls.push(`audio ${l}`),
    selectSubtitles: (l) => void calls.push(`subtitles ${l}`),
    close: async () => void calls.push('close'),
  };
  return { player, calls };
}

function setup(
  opts: { player?: RemotePlayer | null; live?: boolean; claimCode?: string; sendError?: ApiError; answerTracks?: boolean; openProgram?: string | null; started?: StartOutcome } = {},
) {
  const answers: RemoteAnswerRequest[] = [];
  const sent: RemoteCommandRequest[] = [];
  const playOns: { programId: string; toTerminalId: string }[] = [];
  const waits: { programId: string; withinMs: number; playOnSet: boolean }[] = [];
  const store = createRemoteStore({
    api: {
      remoteCommand: async (b) => {
        sent.push(b);
        if (opts.sendError) throw opts.sendError;
        return { commandId: 'cmd-00000001', outcome: 'done', terminalId: 'term-tv-0001', ...(opts.answerTracks ? { tracks: TRACKS } : {}) };
      },
      remoteAnswer: async (b) => void answers.push(b),
      remoteTargets: async () => ({ terminals: [{ terminalId: 'term-tv-0001', name: 'TV', type: 'stb' }] }),
      remotePlayOn: async (b) => {
        playOns.push(b);
        if (opts.sendError) throw opts.sendError;
        return { commandId: 'cmd-00000009', outcome: 'done', terminalId: b.toTerminalId, programId: b.programId, start: { kind: 'offset', offsetMs: 61_000 } };
      },
    },
    openProgram: () => opts.openProgram ?? null,
    started: async (programId, withinMs) => {
      // Asked before the UI is told to open it (so its `begin` is not missed).
      waits.push({ programId, withinMs, playOnSet: store.getState().playOn !== null });
      await new Promise((r) => setTimeout(r, 0));
      return opts.started ?? 'ready';
    },
    selfId: () => ME,
    active: () => opts.player ?? null,
    isLive: () => opts.live === true,
    tracks: () => TRACKS,
    claim: async (sessionId) =>
      opts.claimCode
        ? { ok: false, code: opts.claimCode }
        : { ok: true, claim: { sessionId, programId: 'ocean', fromTerminalId: 'term-tv-0001', fromTerminalName: 'TV', fromTerminalType: 'stb', point: { kind: 'offset', offsetMs: 1 }, at: 1, playing: true, playToken: 'pt1.a.b' } },
  });
  const settled = () => new Promise((r) => setTimeout(r, 5));
  return { store, answers, sent, playOns, waits, settled };
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
    // Each done answer carries the viewing's tracks (a stop too: it was still playing).
    expect(answers[0]).toEqual({ commandId: 'cmd-00000001', ok: true, tracks: TRACKS });
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

describe('remote store: play-program (a card’s Play on from elsewhere)', () => {
  const playProgram = (over: Partial<RemoteCommandEvent> = {}) =>
    ev({ command: 'play-program', sessionId: undefined, programId: 'ocean', start: { kind: 'offset', offsetMs: 61_000 }, startTerminalName: 'Study PC', ...over });

  it('opens the programme at the start global sent and answers done once it plays; the start is taken once', async () => {
    const { store, answers, waits, settled } = setup();
    store.getState().applyPush(playProgram());
    await settled();
    expect(waits).toEqual([{ programId: 'ocean', withinMs: PLAY_PROGRAM_WAIT_MS, playOnSet: false }]);
    expect(store.getState().playOn).toEqual({ programId: 'ocean', commandId: 'cmd-00000001' });
    expect(answers).toEqual([{ commandId: 'cmd-00000001', ok: true }]);
    expect(store.getState().takeStart('cmd-00000001')).toEqual({ breakpoint: { kind: 'offset', offsetMs: 61_000 }, terminalName: 'Study PC' });
    // After a reload (or twice), nothing: the player resumes as usual.
    expect(store.getState().takeStart('cmd-00000001')).toBeNull();
    // No point: from the beginning.
    store.getState().applyPush(playProgram({ commandId: 'cmd-00000002', start: null, startTerminalName: null }));
    await settled();
    expect(store.getState().takeStart('cmd-00000002')).toEqual({ breakpoint: null, terminalName: null });
  });

  it('busy while another programme is open, done without restarting the one already playing; a failed start is failed or not-allowed', async () => {
    const busy = setup({ openProgram: 'harbour' });
    busy.store.getState().applyPush(playProgram());
    await busy.settled();
    expect(busy.answers).toEqual([{ commandId: 'cmd-00000001', ok: false, reason: 'busy' }]);
    expect(busy.store.getState().playOn).toBeNull();
    expect(busy.waits).toEqual([]);

    const same = setup({ openProgram: 'ocean' });
    same.store.getState().applyPush(playProgram());
    await same.settled();
    expect(same.answers).toEqual([{ commandId: 'cmd-00000001', ok: true }]);
    expect(same.store.getState().playOn).toBeNull();

    for (const [started, reason] of [['failed', 'failed'], ['not-allowed', 'not-allowed']] as const) {
      const x = setup({ started });
      x.store.getState().applyPush(playProgram());
      await x.settled();
      expect(x.answers).toEqual([{ commandId: 'cmd-00000001', ok: false, reason }]);
    }
    // Still starting when the wait ends: it has begun there, so done.
    const slow = setup({ started: 'starting' });
    slow.store.getState().applyPush(playProgram());
    await slow.settled();
    expect(slow.answers).toEqual([{ commandId: 'cmd-00000001', ok: true }]);
    // Without a programme id (a malformed push): failed, nothing opened.
    const bad = setup();
    bad.store.getState().applyPush(playProgram({ programId: undefined }));
    await bad.settled();
    expect(bad.answers).toEqual([{ commandId: 'cmd-00000001', ok: false, reason: 'failed' }]);
    expect(bad.store.getState().playOn).toBeNull();
  });

  it('a session command without a session is not-playing', async () => {
    const { player, calls } = recorder();
    const { store, answers, settled } = setup({ player });
    store.getState().applyPush(ev({ command: 'pause', sessionId: undefined }));
    await settled();
    expect(calls).toEqual([]);
    expect(answers).toEqual([{ commandId: 'cmd-00000001', ok: false, reason: 'not-playing' }]);
  });

  it('the sender’s playProgramOn: where it started, or the refusal’s code and reason; `sending` meanwhile', async () => {
    const ok = setup();
    const going = ok.store.getState().playProgramOn('ocean', 'term-tv-0001');
    expect(ok.store.getState().sending).toBe('ocean');
    expect(await going).toEqual({ ok: true, terminalId: 'term-tv-0001', start: { kind: 'offset', offsetMs: 61_000 } });
    expect(ok.playOns).toEqual([{ programId: 'ocean', toTerminalId: 'term-tv-0001' }]);
    expect(ok.store.getState().sending).toBeNull();
    const no = setup({ sendError: new ApiError('REMOTE_REFUSED', 'busy', 409, { commandId: 'cmd-00000001', reason: 'busy' }) });
    expect(await no.store.getState().playProgramOn('ocean', 'term-tv-0001')).toEqual({ ok: false, code: 'REMOTE_REFUSED', reason: 'busy' });
    const off = setup({ sendError: new ApiError('REMOTE_TARGET_OFFLINE', 'offline', 409) });
    expect(await off.store.getState().playProgramOn('ocean', 'term-tv-0001')).toEqual({ ok: false, code: 'REMOTE_TARGET_OFFLINE' });
  });

  it('playerStarted follows this viewing’s own begin: a leftover error does not count, ready or failed after it does, else starting', async () => {
    const player = createPlayerStore();
    const program = null;
    player.getState().begin('ocean', program, { breakpoint: null, terminalName: null });
    player.getState().fail('media', 'MEDIA_UNAVAILABLE');
    const ready = playerStarted(player, 'ocean', 1_000);
    player.getState().fail('media', 'MEDIA_UNAVAILABLE'); // the old viewing's state again: ignored
    player.getState().begin('harbour', program, { breakpoint: null, terminalName: null }); // another programme: ignored
    player.getState().begin('ocean', program, { breakpoint: { kind: 'offset', offsetMs: 61_000 }, terminalName: 'Study PC' });
    player.setState({ status: 'ready' });
    expect(await ready).toBe('ready');
    const failed = playerStarted(player, 'ocean', 1_000);
    player.getState().begin('ocean', program, { breakpoint: null, terminalName: null });
    player.getState().fail('not-allowed', 'PROGRAM_NOT_ALLOWED');
    expect(await failed).toBe('not-allowed');
    const never = playerStarted(player, 'ocean', 20);
    expect(await never).toBe('starting');
  });
});

describe('remote store: audio and subtitles', () => {
  it('switches to a language it has (same primary language matches), answers with the new choice; a missing one is unsupported', async () => {
    const { player, calls } = recorder();
    const { store, answers, settled } = setup({ player });
    store.getState().applyPush(ev({ command: 'status' }));
    store.getState().applyPush(ev({ commandId: 'cmd-00000002', command: 'set-audio', language: 'fr' }));
    store.getState().applyPush(ev({ commandId: 'cmd-00000003', command: 'set-subtitles', language: 'zh' }));
    store.getState().applyPush(ev({ commandId: 'cmd-00000004', command: 'set-subtitles', language: null }));
    store.getState().applyPush(ev({ commandId: 'cmd-00000005', command: 'set-audio', language: 'de' }));
    store.getState().applyPush(ev({ commandId: 'cmd-00000006', command: 'set-subtitles', language: 'fr' }));
    await settled();
    expect(calls).toEqual(['audio fr', 'subtitles zh-Hans', 'subtitles null']);
    expect(answers).toEqual([
      { commandId: 'cmd-00000001', ok: true, tracks: TRACKS },
      { commandId: 'cmd-00000002', ok: true, tracks: { ...TRACKS, audioLanguage: 'fr' } },
      { commandId: 'cmd-00000003', ok: true, tracks: { ...TRACKS, subtitleLanguage: 'zh-Hans' } },
      { commandId: 'cmd-00000004', ok: true, tracks: { ...TRACKS, subtitleLanguage: null } },
      { commandId: 'cmd-00000005', ok: false, reason: 'unsupported' },
      { commandId: 'cmd-00000006', ok: false, reason: 'unsupported' },
    ]);
  });

  it('a track command for a session it does not play is not-playing', async () => {
    const { player, calls } = recorder('sess-other-01');
    const { store, answers, settled } = setup({ player });
    store.getState().applyPush(ev({ command: 'set-audio', language: 'fr' }));
    await settled();
    expect(calls).toEqual([]);
    expect(answers).toEqual([{ commandId: 'cmd-00000001', ok: false, reason: 'not-playing' }]);
  });

  it('the sender keeps the tracks each answer carried, per session', async () => {
    const { store } = setup({ answerTracks: true });
    expect(store.getState().tracks).toEqual({});
    await store.getState().send({ sessionId: 'sess-tv-0001', command: 'status' });
    expect(store.getState().tracks).toEqual({ 'sess-tv-0001': TRACKS });
    store.getState().reset();
    expect(store.getState().tracks).toEqual({});
  });

  it('refreshTracks asks quietly: no `sending`, and a refusal keeps what was known', async () => {
    const ok = setup({ answerTracks: true });
    const asked = ok.store.getState().refreshTracks('sess-tv-0001');
    expect(ok.store.getState().sending).toBeNull();
    await asked;
    expect(ok.sent).toEqual([{ sessionId: 'sess-tv-0001', command: 'status' }]);
    expect(ok.store.getState().tracks['sess-tv-0001']).toEqual(TRACKS);
    const no = setup({ sendError: new ApiError('REMOTE_REFUSED', 'not playing', 409, { reason: 'not-playing' }) });
    no.store.setState({ tracks: { 'sess-tv-0001': TRACKS } });
    await no.store.getState().refreshTracks('sess-tv-0001');
    expect(no.store.getState().tracks['sess-tv-0001']).toEqual(TRACKS);
  });

  it('answers only protocol language tags, at most 32 of each', () => {
    const opt = (language: string) => ({ language });
    const many = Array.from({ length: 40 }, (_, i) => opt(`x${String.fromCharCode(97 + (i % 26))}${i < 26 ? '' : 'q'}`));
    const t = remoteTracksOf({ audioTracks: [opt('en'), opt(''), opt('bad tag')], subtitleTracks: many, audioLanguage: 'bad tag', subtitleLanguage: 'en' });
    expect(t.audio).toEqual(['en']);
    expect(t.subtitles).toHaveLength(32);
    expect([t.audioLanguage, t.subtitleLanguage]).toEqual([null, 'en']);
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
