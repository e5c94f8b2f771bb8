/**
 * Connectivity and announcements: the offline banner (with the number of reports waiting in
 * the outbox) and toasts, both in polite live regions so screen readers hear them.
 */
import { useStore } from 'zustand';
import { isOffline } from '../stores/connectivity.ts';
import { useRuntime, useT } from './context.tsx';
import { Icon } from './icons.tsx';

/** "You're offline" / "Can't reach the server", shown while either is true. */
export function OfflineBanner() {
  const rt = useRuntime();
  const t = useT();
  const online = useStore(rt.connectivity, (s) => s.online);
  const reachable = useStore(rt.connectivity, (s) => s.reachable);
  const pending = useStore(rt.connectivity, (s) => s.pending);
  const offline = isOffline({ online, reachable });
  return (
    <div className="banner-slot" role="status" aria-live="polite">
      {offline && (
        <div className="offline-banner" data-testid="offline-banner">
          <Icon name="offline" size={20} />
          <div>
            <strong>{t(online ? 'offline.unreachable' : 'offline.title')}</strong>
            <span>{t('offline.body')}</span>
          </div>
          {pending > 0 && (
            <span className="pill" data-testid="pending-count">
              {t('offline.pending', { count: pending })}
            </span>
          )}
        </div>
      )}
    </div>
  );
}

/** The toasts on screen. */
export function Toasts() {
  const rt = useRuntime();
  const t = useT();
  const toasts = useStore(rt.toasts, (s) => s.toasts);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.tone}`}>
          {toast.tone === 'success' && <Icon name="check" size={18} />}
          <span>{t(toast.key, toast.params)}</span>
          <button type="button" className="icon-btn small" aria-label={t('settings.cancel')} onClick={() => rt.toasts.getState().dismiss(toast.id)}>
            <Icon name="close" size={16} />
          </button>
        </div>
      ))}
    </div>
  );
}
