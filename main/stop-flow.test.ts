/** The stop flow's order and phases, with a lifecycle that records what it was asked. */
import { describe, expect, it } from 'vitest';
import { memoryLogger } from './log.ts';
import { ScreenAwake } from './power-save.ts';
import { StopFlow } from './stop-flow.ts';

function flow() {
  const calls: string[] = [];
  let release!: () => void;
  const saving = new Promise<void>((r) => (release = r));
  const stop = new StopFlow<object>({
    lifecycle: {
      quit: async (reason = 'quit') => {
        calls.push(`quit:${reason}`);
        await saving;
      },
      record: (reason) => (calls.push(`record:${reason}`), null),
      flush: async (why) => (calls.push(`flush:${why}`), 'timeout'),
    },
    stopServer: async () => void calls.push('server stopped'),
    finish: () => calls.push('finish'),
    quitApp: () => calls.push('app.quit'),
    log: memoryLogger(),
  });
  return { stop, calls, release };
}
const event = () => {
  const e = { prevented: false, preventDefault: () => void (e.prevented = true) };
  return e;
};

describe('stop flow', () => {
  it('before-quit: prevented, saved once, server stopped, then the real quit passes', async () => {
    const { stop, calls, release } = flow();
    const first = event();
    stop.beforeQuit(first);
    stop.beforeQuit(event());
    expect(first.prevented).toBe(true);
    expect(stop.phase).toBe('saving');
    release();
    await expect.poll(() => calls).toEqual(['quit:quit', 'server stopped', 'finish', 'app.quit']);
    const last = event();
    stop.beforeQuit(last);
    expect(last.prevented).toBe(false);
  });

  it('window close: saves first, closes again; while saving other windows stay; a replaced window just goes', async () => {
    const { stop, calls, release } = flow();
    const win = {};
    let again = 0;
    const e = event();
    stop.windowClose(win, e, () => again++);
    expect(e.prevented).toBe(true);
    release();
    await expect.poll(() => again).toBe(1);
    const second = event();
    stop.windowClose(win, second, () => again++);
    expect(second.prevented).toBe(false);
    const replaced = {};
    stop.letClose(replaced);
    const r = event();
    stop.windowClose(replaced, r, () => undefined);
    expect(r.prevented).toBe(false);
    expect(calls).toEqual(['quit:quit']);
    stop.beforeQuit(event());
    const during = event();
    stop.windowClose({}, during, () => undefined);
    expect(during.prevented).toBe(true);
  });

  it('OS shutdown: delays the OS, records synchronously, then saves with the short bounds', () => {
    const { stop, calls } = flow();
    const e = event();
    stop.osShutdown(e);
    expect(e.prevented).toBe(true);
    expect(calls).toEqual(['record:shutdown', 'quit:shutdown']);
  });

  it('Windows: query-session-end records and uploads, keeps running; session-end records and quits', () => {
    const { stop, calls } = flow();
    stop.querySessionEnd(['logoff']);
    expect(stop.phase).toBe('running');
    stop.sessionEnd(['logoff']);
    expect(stop.phase).toBe('saving');
    expect(calls).toEqual(['record:session-end', 'flush:session may end', 'record:session-end', 'quit:session-end']);
  });
});

describe('screen awake', () => {
  it('holds one display-sleep blocker while playing, none otherwise', () => {
    const held = new Map<number, string>();
    let next = 1;
    const s = new ScreenAwake({ start: (t) => (held.set(next, t), next++), stop: (id) => held.delete(id), isStarted: (id) => held.has(id) });
    s.follow({ paused: false });
    s.follow({ paused: false });
    expect([...held.values()]).toEqual(['prevent-display-sleep']);
    expect(s.active).toBe(true);
    s.follow({ paused: true });
    expect(held.size).toBe(0);
    s.follow({});
    expect(held.size).toBe(0);
    s.follow({ paused: false });
    s.follow(null);
    expect(s.active).toBe(false);
  });
});
