/**
 * The main-process side of the IPC contract (common/ipc.ts): one handler per declared channel,
 * registered from the contract, so a channel cannot exist without its schema. Every call is
 * checked in order — known channel, trusted sender (a frame of the app's own origin), request
 * schema — then handled; the reply is always an envelope and its value is checked against the
 * reply schema too. Failures are logged with the channel; handlers' internals never reach the
 * renderer (an unexpected throw is `INTERNAL`).
 */
import Value from 'typebox/value';
import { AppError, type Result } from '../common/errors.ts';
import { fail, INVOKE_METHODS, IPC_INVOKE, invokeChannel, methodOfChannel, ok, parseRequest, type InvokeArgs, type InvokeMethod, type InvokeReply } from '../common/ipc.ts';
import type { Logger } from './log.ts';

/** Who is calling. */
export interface CallContext {
  /** The sender's webContents id. */
  senderId: number;
  /** The URL of the calling frame (null when the frame is gone). */
  senderUrl: string | null;
}

/** One handler per declared channel, typed from the contract. */
export type IpcHandlers = {
  [M in InvokeMethod]: (ctx: CallContext, ...args: InvokeArgs<M>) => InvokeReply<M> | Promise<InvokeReply<M>>;
};

/** Options of the router. */
export interface IpcRouterOptions {
  handlers: IpcHandlers;
  /** True for frames allowed to use the bridge (the app's origin). */
  isTrustedSender: (url: string | null) => boolean;
  log: Logger;
}

/** Routes one IPC call to its handler. */
export interface IpcRouter {
  handle(channel: string, payload: unknown, ctx: CallContext): Promise<Result<unknown>>;
}

export function createIpcRouter({ handlers, isTrustedSender, log }: IpcRouterOptions): IpcRouter {
  return {
    async handle(channel, payload, ctx) {
      const method = methodOfChannel(channel);
      if (!method) {
        log.warn(`ipc: refused unknown channel ${JSON.stringify(String(channel)).slice(0, 120)}`);
        return fail('VALIDATION_FAILED', 'Unknown IPC channel');
      }
      if (!isTrustedSender(ctx.senderUrl)) {
        log.warn(`ipc: refused ${channel} from untrusted frame ${ctx.senderUrl ?? '(gone)'}`);
        return fail('FORBIDDEN', 'This page may not use the app bridge');
      }
      const request = parseRequest(method, payload);
      if (!request.ok) {
        log.warn(`ipc: malformed ${channel}`, request.error.details);
        return request;
      }
      try {
        const handler = handlers[method] as (ctx: CallContext, ...args: unknown[]) => unknown;
        const value = await handler(ctx, ...(request.value as unknown[]));
        if (!Value.Check(IPC_INVOKE[method].reply, value)) {
          log.error(`ipc: handler of ${channel} produced a reply outside its schema`);
          return fail('INTERNAL', 'Internal error');
        }
        return ok(value);
      } catch (err) {
        if (err instanceof AppError) {
          log.warn(`ipc: ${channel} failed: ${err.code} ${err.message}`);
          return { ok: false, error: err.toBody() };
        }
        log.error(`ipc: ${channel} threw`, err);
        return fail('INTERNAL', 'Internal error');
      }
    },
  };
}

/** The event Electron passes to an invoke handler, reduced to what we read. */
export interface InvokeEventLike {
  sender: { id: number };
  senderFrame?: { url: string } | null;
}

/** `ipcMain`, reduced to what registration uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** Register every declared channel on `ipcMain`; returns the unregister function. */
export function registerIpc(ipcMain: IpcMainLike, router: IpcRouter): () => void {
  const channels = INVOKE_METHODS.map(invokeChannel);
  for (const channel of channels) {
    // One argument per call by contract: the argument tuple. Extra arguments are refused.
    ipcMain.handle(channel, (event, ...args) => {
      let senderUrl: string | null = null;
      try {
        senderUrl = event.senderFrame?.url ?? null;
      } catch {
        // A frame that navigated or was destroyed throws on access.
      }
      const ctx = { senderId: event.sender.id, senderUrl };
      return router.handle(channel, args.length === 1 ? args[0] : { tooManyArguments: args.length }, ctx);
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
