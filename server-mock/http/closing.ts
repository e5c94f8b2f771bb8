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
 * was asked on them), and a socket whose answer goes out during closing is ended after it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** When `app` starts closing: destroy unused connections, end the others after their answer. */
export function closeUnusedConnections(app: FastifyInstance): void {
  const unused = new Set<Socket>();
  let closing = false;
  app.server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    unused.delete(req.socket);
    res.once('finish', () => {
      if (closing) req.socket.end();
    });
  });
  app.addHook('preClose', (done) => {
    closing = true;
    for (const socket of unused) socket.destroy();
    unused.clear();
    done();
  });
}
