/**
 * Builds `window.raBridge` from the IPC contract (common/ipc.ts): one function per declared
 * invoke channel and `onLifecycle`, nothing else — no generic `invoke`, no `ipcRenderer`.
 *
 * Each call normalises and checks its arguments against the channel's schema before anything
 * is sent (a malformed call never reaches main), unwraps the reply envelope after checking it
 * against the reply schema, and rejects with an `IpcError` (message `CODE: text`, `code`
 * property) on `{ ok: false }`. Lifecycle signals from main are parsed, handed to the
 * listeners, and acknowledged once the listeners' promises settled (main bounds the wait).
 *
 * `ipcRenderer` is injected, so this runs in unit tests; preload/index.ts passes the real one.
 */
import {
  eventChannel,
  INVOKE_METHODS,
  invokeChannel,
  IpcError,
  methodOfChannel,
  normalizeArgs,
  parseEvent,
  parseReply,
  parseRequest,
  type ElectronBridge,
  type InvokeMethod,
  type LifecycleListener,
} from '../common/ipc.ts';

/** `ipcRenderer`, reduced to what the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** An error that crosses contextBridge intact enough: the code leads the message. */
function bridgeError(body: { code: string; message: string; details?: unknown }): IpcError {
  const err = new IpcError(body);
  err.message = `${body.code}: ${body.message}`;
  return err;
}

/**
 * Call a channel by name. Refuses (without sending) a channel the contract does not declare
 * and arguments that do not match its schema.
 */
export async function callChannel(ipc: IpcRendererLike, channel: string, args: readonly unknown[]): Promise<unknown> {
  const method = methodOfChannel(channel);
  if (!method || method === 'lifecycleDone') {
    throw bridgeError({ code: 'VALIDATION_FAILED', message: `Unknown IPC channel ${String(channel).slice(0, 80)}` });
  }
  return call(ipc, method, args);
}

async function call(ipc: IpcRendererLike, method: InvokeMethod, args: readonly unknown[]): Promise<unknown> {
  const request = parseRequest(method, normalizeArgs(args));
  if (!request.ok) throw bridgeError(request.error);
  let envelope: unknown;
  try {
    envelope = await ipc.invoke(invokeChannel(method), request.value);
  } catch (err) {
    throw bridgeError({ code: 'INTERNAL', message: `IPC failed: ${String(err)}` });
  }
  const reply = parseReply(method, envelope);
  if (!reply.ok) throw bridgeError(reply.error);
  return reply.value;
}

/** Options of the bridge. */
export interface BridgeOptions {
  /** Told about dropped lifecycle payloads and listener failures. */
  warn?: (message: string) => void;
  /** Longest the preload waits for listeners before acknowledging anyway (default 5 s). */
  listenerTimeoutMs?: number;
}

/** Build the bridge. */
export function createBridge(ipc: IpcRendererLike, options: BridgeOptions = {}): ElectronBridge {
  const warn = options.warn ?? ((m: string) => console.warn(`[preload] ${m}`));
  const listenerTimeoutMs = options.listenerTimeoutMs ?? 5_000;
  const listeners = new Set<LifecycleListener>();

  ipc.on(eventChannel('lifecycle'), (_event, payload) => {
    const signal = parseEvent('lifecycle', payload);
    if (!signal) {
      warn('dropped a malformed lifecycle signal');
      return;
    }
    const current = [...listeners];
    const settled = Promise.allSettled(
      current.map(async (listener) => {
        try {
          await listener(signal.event);
        } catch (err) {
          warn(`lifecycle listener failed: ${String(err)}`);
        }
      }),
    );
    const bounded = Promise.race([settled, new Promise((resolve) => setTimeout(resolve, listenerTimeoutMs))]);
    void bounded.then(() => call(ipc, 'lifecycleDone', [{ id: signal.id, listeners: current.length }]).catch((err: unknown) => warn(String(err))));
  });

  const bridge: Record<string, unknown> = {};
  for (const method of INVOKE_METHODS) {
    if (method === 'lifecycleDone') continue;
    bridge[method] = (...args: unknown[]) => call(ipc, method, args);
  }
  bridge.onLifecycle = (listener: LifecycleListener) => {
    if (typeof listener !== 'function') throw bridgeError({ code: 'VALIDATION_FAILED', message: 'onLifecycle needs a function' });
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  };
  return Object.freeze(bridge) as unknown as ElectronBridge;
}
