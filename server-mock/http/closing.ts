/**
 * Shutdown does not wait on connections that carry no request.
 *
 * `app.close()` stops listening, lets requests in flight finish and closes keep-alive sockets
 * that sit between requests at that moment (Node's `closeIdleConnections`). Two kinds of socket
 * escaped it and held the close for tens of seconds:
 * - one a client opened and never sent a request on: neither busy nor idle to Node, it holds the
 *   close until `requestTimeout` (30 s). Common: browsers pre-connect speculatively, and HTTP
 *   clients' pools (the streaming role's client of global) open spares;
 * - one whose request was in flight when closing began: answered with `Connection: keep-alive`,
 *   it then idles until the keep-alive timeout (72 s).
 * So a stop, a restart or a rolling update of global waited that long. Node has no API for
 * either, hence this small tracker: unused sockets are destroyed when closing begins (nothing
 * was asked on them), and a socket whose answer goes out during closing is closed once idle.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * When `app` starts closing: destroy unused connections, end the others after their answer.
 * Returns how many sockets it holds as unused (for tests: closed ones do not pile up).
 */
export function closeUnusedConnections(app: FastifyInstance): { tracked: () => number } {
  // No listener per socket or per response (a push stream keeps both for hours, and a closure
  // and a `once` wrapper on each were ~0.75 KB of every stream's heap, bench 11): sockets that
  // closed without a request are swept from the set when it has doubled since the last sweep.
  const unused = new Set<Socket>();
  let sweepAt = 64;
  app.server.on('connection', (socket: Socket) => {
    unused.add(socket);
    if (unused.size < sweepAt) return;
    for (const s of unused) if (s.destroyed) unused.delete(s);
    sweepAt = Math.max(64, unused.size * 2);
  });
  app.server.on('request', (req: IncomingMessage) => {
    unused.delete(req.socket);
  });
  app.addHook('preClose', (done) => {
    for (const socket of unused) socket.destroy();
    unused.clear();
    // Answers in flight when closing began: each socket is closed as soon as its answer is out
    // and it sits idle (Node closes idle ones only once, when closing begins).
    const timer = setInterval(() => app.server.closeIdleConnections(), 25);
    timer.unref();
    app.server.once('close', () => clearInterval(timer));
    done();
  });
  return { tracked: () => unused.size };
}
