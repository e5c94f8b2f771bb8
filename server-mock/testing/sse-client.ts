/** A small SSE client over fetch for tests: collects push events and waits for one. */
import type { PushEvent } from '../../common/protocol/api.ts';
import { SseParser } from '../../common/sse.ts';

/** An open event stream. */
export interface EventStream {
  /** Every event received so far, with the time it arrived (performance.now()). */
  events: { event: PushEvent; at: number }[];
  /** Resolve with the first event (already received or future) that matches, or reject on timeout. */
  next(match: (e: PushEvent) => boolean, timeoutMs?: number): Promise<{ event: PushEvent; at: number }>;
  close(): void;
  /** Resolves (performance.now()) when the server ended the stream. */
  ended: Promise<number>;
}

/** Open `/api/v1/events` with a terminal credential; resolves once the `hello` event arrived. */
export async function openEventStream(baseUrl: string, credential: string, viaQuery = false): Promise<EventStream> {
  const controller = new AbortController();
  const url = viaQuery ? `${baseUrl}/api/v1/events?access_token=${encodeURIComponent(credential)}` : `${baseUrl}/api/v1/events`;
  const res = await fetch(url, { headers: viaQuery ? {} : { authorization: `Bearer ${credential}` }, signal: controller.signal });
  if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status} ${await res.text()}`);
  const events: { event: PushEvent; at: number }[] = [];
  const waiters = new Set<() => void>();
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  let markEnded!: (at: number) => void;
  const ended = new Promise<number>((r) => (markEnded = r));
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const m of parser.push(decoder.decode(value, { stream: true }))) {
          events.push({ event: JSON.parse(m.data) as PushEvent, at: performance.now() });
          for (const w of [...waiters]) w();
        }
      }
    } catch {
      // aborted
    }
    markEnded(performance.now());
  })();
  const stream: EventStream = {
    events,
    next(match, timeoutMs = 2_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find((e) => match(e.event));
          if (!hit) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error('timed out waiting for a push event'));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => controller.abort(),
    ended,
  };
  await stream.next((e) => e.type === 'hello');
  return stream;
}
