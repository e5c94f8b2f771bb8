/**
 * An incremental parser of the server-sent-events wire format (HTML Living Standard §9.2),
 * environment-free so a terminal can read `/api/v1/events` through `fetch` (which, unlike
 * EventSource, can send an Authorization header) in a browser, in Electron or in Node.
 */

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
  #buffer = '';
  #data: string[] = [];
  #event = '';
  #lastId = '';
  /** The last `retry:` value in ms, if the server sent one. */
  retryMs: number | null = null;

  /** Add a chunk of the stream; returns the messages it completed. */
  push(chunk: string): SseMessage[] {
    this.#buffer += chunk;
    const out: SseMessage[] = [];
    const lines = this.#buffer.split(/\r\n|\r|\n/);
    // The last element is an unfinished line (or '' after a line end): keep it for later.
    this.#buffer = lines.pop() ?? '';
    for (const line of lines) {
      const message = this.#line(line);
      if (message) out.push(message);
    }
    return out;
  }

  #line(line: string): SseMessage | null {
    if (line === '') {
      if (this.#data.length === 0) {
        this.#event = '';
        return null;
      }
      const message = { event: this.#event || 'message', data: this.#data.join('\n'), id: this.#lastId };
      this.#data = [];
      this.#event = '';
      return message;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.#data.push(value);
        break;
      case 'event':
        this.#event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.#lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break;
    }
    return null;
  }
}
