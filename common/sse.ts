/**
 * Server-sent events (HTML Living Standard §9.2) read through `fetch` — which, unlike
 * EventSource, can send an Authorization header — in a browser, in Electron or in Node. The
 * parsing is eventsource-parser's; this wrapper keeps the one shape our two readers use
 * (renderer/src/api/events.ts, server-mock/testing/sse-client.ts): push a chunk, get the
 * messages it completed, with the standard's defaults filled in.
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';

/** One dispatched message. */
export interface SseMessage {
  /** `event:` field, or "message" when absent. */
  event: string;
  /** `data:` lines joined with "\n". */
  data: string;
  /** Last `id:` seen (persists across messages per the standard). */
  id: string;
}

/** Feed text chunks in; get whole messages out. Handles CRLF, LF and CR line ends. */
export class SseParser {
  /** The last `retry:` value in ms, if the server sent one. */
  retryMs: number | null = null;
  #lastId = '';
  #out: SseMessage[] = [];
  readonly #parser: EventSourceParser = createParser({
    onId: (id) => {
      this.#lastId = id;
    },
    onEvent: (m) => {
      this.#out.push({ event: m.event || 'message', data: m.data, id: this.#lastId });
    },
    onRetry: (ms) => {
      this.retryMs = ms;
    },
  });

  /** Add a chunk of the stream; returns the messages it completed. */
  push(chunk: string): SseMessage[] {
    this.#parser.feed(chunk);
    const out = this.#out;
    this.#out = [];
    return out;
  }
}
