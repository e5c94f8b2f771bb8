/**
 * Stopping the server does not wait on a connection that never carried a request (a browser's
 * pre-connect, an HTTP client pool's spare socket), and lets a request in flight finish without
 * its keep-alive socket then holding the close.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { startTestServer, type TestServer } from '../testing/harness.ts';
import { closeUnusedConnections } from './closing.ts';

let s: TestServer | null = null;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await s?.close();
  s = null;
});

async function openSocket(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

describe('closing the server', () => {
  it('does not wait for sockets that never sent a request (it waited for the 30 s request timeout)', async () => {
    s = await startTestServer();
    const url = await s.app.listen({ host: '127.0.0.1', port: 0 });
    const port = Number(new URL(url).port);
    const unused = await Promise.all([openSocket(port), openSocket(port), openSocket(port)]);
    const ended = unused.map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())));
    // A keep-alive socket that carried one request and now sits idle: Node closes it itself.
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    const t = performance.now();
    await s.app.close();
    expect(performance.now() - t).toBeLessThan(5_000);
    await Promise.all(ended);
  });

  it('lets a request in flight finish while closing, then ends its socket instead of keeping it alive', async () => {
    s = await startTestServer();
    const url = await s.app.listen({ host: '127.0.0.1', port: 0 });
    const socket = await openSocket(Number(new URL(url).port));
    const body = JSON.stringify({ login: 'nobody@example.com', password: 'not-the-password' });
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    const answered = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // Headers and half the body now: the request has begun; the rest after closing started.
    socket.write(`POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    await new Promise((r) => setTimeout(r, 200));
    const closing = s.app.close();
    await new Promise((r) => setTimeout(r, 200));
    socket.write(body.slice(10));
    // Answered, then the connection ends (not kept alive for 72 s, holding the close).
    await answered;
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    await closing;
  });

  it('forgets sockets that closed without a request (a pre-connecting browser does this all day)', async () => {
    const app = Fastify();
    const tracker = closeUnusedConnections(app);
    app.get('/', async () => 'ok');
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const port = Number(new URL(url).port);
    try {
      for (let round = 0; round < 5; round++) {
        const batch = await Promise.all(Array.from({ length: 100 }, () => openSocket(port)));
        await Promise.all(batch.map((socket) => new Promise<void>((resolve) => (socket.once('close', () => resolve()), socket.destroy()))));
        // Let the server see the closes.
        await new Promise((r) => setTimeout(r, 50));
      }
      // 500 came and went: what is held is bounded by the sweep, not by every socket ever seen.
      const live = await Promise.all(Array.from({ length: 3 }, () => openSocket(port)));
      const liveEnded = Promise.all(live.map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()))));
      await new Promise((r) => setTimeout(r, 50));
      expect(tracker.tracked()).toBeLessThanOrEqual(200);
      expect((await fetch(url)).status).toBe(200);
      const t = performance.now();
      await app.close();
      expect(performance.now() - t).toBeLessThan(5_000);
      // The ones open at the close were still known, and were closed by it.
      await liveEnded;
    } finally {
      await app.close();
    }
  });
});
