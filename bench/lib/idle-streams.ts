/**
 * Many idle SSE clients on loopback, as cheap as a client can be: one raw TCP socket each
 * (node:net), a hand-written `GET` with the terminal's credential, open once the server's
 * `hello` frame arrived, then left idle (everything the server sends afterwards is read and
 * dropped). Opened a bounded number at a time; each must be open within `timeoutMs`.
 * Hand-written rather than an HTTP client: an agent, parser and response object per stream
 * in the load generator would cost more than the streams measured, and only the bytes of one
 * request and the first frame matter here.
 */
import net from 'node:net';

/** Open streams and how to close them. */
export interface IdleStreams {
  /** Streams still open (no close or error since their hello). */
  readonly open: number;
  close(): void;
}

/** Open `n` SSE streams to `url + path`, `authorization(i)` on the i-th; rejects when one fails. */
export async function openIdleStreams(o: {
  url: string;
  path: string;
  n: number;
  authorization?: (i: number) => string;
  concurrency?: number;
  timeoutMs?: number;
}): Promise<IdleStreams> {
  const u = new URL(o.url);
  if (u.hostname !== '127.0.0.1') throw new Error(`idle streams are opened on loopback only, not ${u.hostname}`);
  const sockets: net.Socket[] = [];
  let open = 0;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const one = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const auth = o.authorization ? `Authorization: ${o.authorization(i)}\r\n` : '';
      const socket = net.connect({ host: u.hostname, port: Number(u.port) });
      sockets.push(socket);
      let head = '';
      let ready = false;
      const timer = setTimeout(() => socket.destroy(new Error(`stream ${i}: no hello within ${timeoutMs} ms`)), timeoutMs);
      socket.setEncoding('latin1');
      socket.on('connect', () => socket.write(`GET ${o.path} HTTP/1.1\r\nHost: ${u.host}\r\n${auth}Accept: text/event-stream\r\n\r\n`));
      socket.on('data', (chunk: string) => {
        if (ready) return;
        head += chunk;
        if (!head.startsWith('HTTP/1.1 200')) {
          if (head.includes('\r\n')) socket.destroy(new Error(`stream ${i}: ${head.split('\r\n')[0]}`));
          return;
        }
        if (head.includes('event: hello')) {
          ready = true;
          head = '';
          open++;
          clearTimeout(timer);
          resolve();
        }
      });
      socket.on('close', () => {
        if (ready) open--;
      });
      socket.on('error', (err) => {
        clearTimeout(timer);
        if (!ready) reject(err);
      });
    });
  const closeAll = () => {
    for (const s of sockets) s.destroy();
  };
  try {
    let next = 0;
    const workers = Array.from({ length: o.concurrency ?? 100 }, async () => {
      while (next < o.n) await one(next++);
    });
    await Promise.all(workers);
  } catch (err) {
    closeAll();
    throw err;
  }
  return {
    get open() {
      return open;
    },
    close: closeAll,
  };
}
