/**
 * What the controller does about a failure (engine or API): a refused token is renewed and
 * the stream reloaded where it was (three times per load at most); network trouble mid-play
 * shows "reconnecting" and retries with backoff (2 s → 15 s) until playback recovers, or at
 * once when the network is back; a programme that is gone, or media this browser cannot play,
 * ends in an error state.
 */
import { codeOf } from '../api/http.ts';
import { errorKindOf, type PlayerStore } from '../stores/player.ts';
import { classifyError, type PlayerEngine } from './engine.ts';

/** What the recovery needs. */
export interface RecoveryDeps {
  store: PlayerStore;
  isOnline: () => boolean;
  /** The engine now (null before the first load and once destroyed). */
  engine: () => PlayerEngine | null;
  closed: () => boolean;
  /** Renew the play token, if a viewing is open (null = none): resolves when renewed. */
  renewToken: () => Promise<unknown> | null;
  /** Load the manifest again at the current point. */
  reload: () => Promise<void>;
  /** The programme turned out to be gone. */
  onGone: () => void;
}

/** The recovery of one controller. */
export interface Recovery {
  /** A failure: from the engine while loading (`duringLoad`) or playing, or from the API. */
  onError(err: unknown, duringLoad: boolean): void;
  /** End in the error state of this code. */
  fail(code: string): void;
  /** A load succeeded: token refusals count afresh, "reconnecting" is over. */
  loaded(): void;
  /** The network is back: retry now. */
  online(): void;
  destroy(): void;
}

/** Create the recovery. */
export function createRecovery(deps: RecoveryDeps): Recovery {
  const { store } = deps;
  let tokenRecoveries = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const fail = (code: string) => {
    const kind = errorKindOf(code);
    store.getState().fail(kind, code);
    if (kind === 'removed') deps.onGone();
  };

  /**
   * Retry streaming after a network failure, with backoff, until playback recovers (`playing`
   * clears `reconnecting`; a retry while streaming is fine is a no-op in Shaka); offline, the
   * `online` event retries at once instead.
   */
  const scheduleRetry = (delayMs = 2_000) => {
    store.getState().setReconnecting(true);
    if (retryTimer !== null) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      const player = deps.engine();
      if (deps.closed() || !player || !store.getState().reconnecting) return;
      if (deps.isOnline()) player.retryStreaming();
      scheduleRetry(Math.min(15_000, delayMs * 2));
    }, delayMs);
  };

  return {
    fail,
    onError(err, duringLoad) {
      if (deps.closed()) return;
      const meaning = classifyError(err);
      if (meaning.kind === 'not-engine') return fail(codeOf(err));
      if (meaning.kind === 'ignore') return;
      if (meaning.kind === 'network') {
        const status = meaning.status;
        if (status === 401 || status === 403) {
          // The media server refused the token (expired while the device slept): renew, reload.
          const renewing = tokenRecoveries < 3 ? deps.renewToken() : null;
          if (renewing) {
            tokenRecoveries++;
            void renewing.then(deps.reload);
            return;
          }
        }
        if (status === 404) return fail('PROGRAM_NOT_FOUND');
        if (!duringLoad) return scheduleRetry();
        return fail(deps.isOnline() ? 'UPSTREAM_UNAVAILABLE' : 'NETWORK_DOWN');
      }
      if (meaning.kind === 'critical') fail('MEDIA');
    },
    loaded() {
      tokenRecoveries = 0;
      store.getState().setReconnecting(false);
    },
    online() {
      if (deps.closed()) return;
      const player = deps.engine();
      if (store.getState().reconnecting && player) player.retryStreaming();
    },
    destroy() {
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
    },
  };
}
