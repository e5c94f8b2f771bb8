/**
 * Signing out (desktop "Sign out", TV "Unlink this TV"), one flow for both: send what waits in
 * the outbox first; if reports still could not be sent, ask once more (they would be lost) and
 * sign out on the second press; then go to the first-run screen.
 */
import { useState } from 'react';
import { useStore } from 'zustand';
import { useRuntime } from './context.tsx';

/** The sign-out flow's state and actions. */
export interface SignOutFlow {
  /** The user was warned that unsent reports would be lost; the next `signOut` goes ahead. */
  confirming: boolean;
  /** Reports waiting in the outbox. */
  pending: number;
  /** Flush, then sign out — or return 'confirm' when reports would be lost and it was not confirmed. */
  signOut(): Promise<'confirm' | 'done'>;
  /** Drop the confirmation. */
  cancel(): void;
}

/** The sign-out flow of this terminal. */
export function useSignOut(): SignOutFlow {
  const rt = useRuntime();
  const pending = useStore(rt.connectivity, (s) => s.pending);
  const [confirming, setConfirming] = useState(false);
  return {
    confirming: confirming && pending > 0,
    pending,
    async signOut() {
      await rt.queue()?.flush();
      if ((rt.queue()?.pending() ?? 0) > 0 && !confirming) {
        setConfirming(true);
        return 'confirm';
      }
      await rt.session.getState().signOut();
      window.location.replace('#/');
      return 'done';
    },
    cancel: () => setConfirming(false),
  };
}
