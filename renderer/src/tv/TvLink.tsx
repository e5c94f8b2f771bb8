/**
 * The TV's first screen (10-foot, remote only): link this TV to an account by code (RFC 8628)
 * instead of typing a password with a remote. It shows the link page's address, a QR code of
 * that page with the code filled in, and the code itself in very large letters; it says how
 * long the code stays valid and swaps in a new one by itself when it expires. Nothing on it
 * needs focus: the person acts on their phone or computer; the TV only waits.
 *
 * The runtime's device-link store does the work (started on mount, stopped on unmount); once
 * linked, the session adopts the terminal credential and the app leaves this screen.
 */
import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { formatClock } from '../../../common/i18n/index.ts';
import { useNow, useRuntime, useT } from '../ui/context.tsx';
import { Icon } from '../ui/icons.tsx';
import { qrPath } from '../ui/qr.ts';
import './link.css';

/** A code spelled out for screen readers ("B C D F, G H J K"). */
function spelled(code: string): string {
  return code
    .split('-')
    .map((group) => group.split('').join(' '))
    .join(', ');
}

/** The QR code of the link page with the code filled in: one <path>, no image URL. */
function QrCode({ url, label }: { url: string; label: string }) {
  const qr = useMemo(() => qrPath(url), [url]);
  return (
    <svg className="tvlink-qr-code" viewBox={`0 0 ${qr.size} ${qr.size}`} role="img" aria-label={label} shapeRendering="crispEdges" data-testid="tv-qr">
      <path d={qr.d} fill="#000" />
    </svg>
  );
}

/** The link page's address, with the scheme played down (people type the host). */
function Address({ uri }: { uri: string }) {
  const at = uri.indexOf('://');
  if (at < 0) return <strong className="tvlink-url">{uri}</strong>;
  return (
    <strong className="tvlink-url" data-testid="tv-link-url">
      <span className="tvlink-url-scheme">{uri.slice(0, at + 3)}</span>
      {uri.slice(at + 3)}
    </strong>
  );
}

/** How long the code shown stays valid, ticking each second. */
function Countdown({ expiresAt }: { expiresAt: number }) {
  const t = useT();
  const now = useNow(1_000);
  const left = Math.ceil((expiresAt - now) / 1_000);
  if (left <= 0) return <span>{t('tvlink.renewing')}</span>;
  return (
    <span data-testid="tv-code-expires">
      {t('tvlink.expires', { time: formatClock(left) })} {t('tvlink.renews')}
    </span>
  );
}

/** The status line: getting a code, waiting for it to be entered, linked. */
function StatusLine() {
  const rt = useRuntime();
  const t = useT();
  const phase = useStore(rt.deviceLink, (s) => s.phase);
  const expiresAt = useStore(rt.deviceLink, (s) => s.expiresAt);
  if (phase === 'linked') {
    return (
      <p className="tvlink-status is-done">
        <Icon name="check" size={36} /> {t('tvlink.linked')}
      </p>
    );
  }
  return (
    <p className="tvlink-status">
      <span className="tvlink-spinner" aria-hidden="true" />
      <span>{t(phase === 'showing' ? 'tvlink.waiting' : 'tvlink.requesting')}</span>
      {phase === 'showing' && expiresAt !== null && (
        <span className="tvlink-expiry">
          <Countdown expiresAt={expiresAt} />
        </span>
      )}
    </p>
  );
}

/** The TV linking screen. */
export function TvLink() {
  const rt = useRuntime();
  const t = useT();
  const userCode = useStore(rt.deviceLink, (s) => s.userCode);
  const uri = useStore(rt.deviceLink, (s) => s.verificationUri);
  const uriComplete = useStore(rt.deviceLink, (s) => s.verificationUriComplete);
  const problem = useStore(rt.deviceLink, (s) => s.problem);

  useEffect(() => {
    const link = rt.deviceLink.getState();
    link.start();
    return () => link.stop();
  }, [rt]);

  return (
    <main className="tvlink" id="main" data-testid="tv-link" aria-labelledby="tvlink-title">
      <div className="tvlink-backdrop" aria-hidden="true" />
      <header className="tvlink-head">
        <div className="brand brand-lg">
          <img src="./icon.svg" alt="" width={48} height={48} />
          <span>{t('app.name')}</span>
        </div>
      </header>

      <div className="tvlink-body">
        <section className="tvlink-steps">
          <h1 id="tvlink-title">{t('tvlink.title')}</h1>
          <p className="tvlink-lead">{t('tvlink.lead')}</p>
          <ol className="tvlink-list">
            <li>
              <span className="tvlink-num" aria-hidden="true">1</span>
              <div>
                {t('tvlink.step.open')} {uri ? <Address uri={uri} /> : <span className="tvlink-url is-empty">…</span>}
                <span className="tvlink-or">{t('tvlink.step.scan')}</span>
              </div>
            </li>
            <li>
              <span className="tvlink-num" aria-hidden="true">2</span>
              <div>{t('tvlink.step.signIn')}</div>
            </li>
            <li>
              <span className="tvlink-num" aria-hidden="true">3</span>
              <div>{t('tvlink.step.enter')}</div>
            </li>
          </ol>
          <div className="tvlink-code-box" aria-busy={userCode ? undefined : true}>
            {userCode ? (
              <p className="tvlink-code">
                <span aria-hidden="true" data-testid="tv-user-code">
                  {userCode}
                </span>
                <span className="sr-only">{spelled(userCode)}</span>
              </p>
            ) : (
              <p className="tvlink-code is-empty" aria-hidden="true">
                ····-····
              </p>
            )}
          </div>
        </section>

        <figure className="tvlink-qr">
          {uriComplete ? <QrCode url={uriComplete} label={t('tvlink.qr', { url: uri ?? uriComplete })} /> : <div className="tvlink-qr-code is-empty" />}
          <figcaption>{t('tvlink.qr.caption')}</figcaption>
        </figure>
      </div>

      <footer className="tvlink-foot">
        <StatusLine />
        <p className="tvlink-problem" role="alert" data-testid="tv-link-problem">
          {problem && (
            <>
              <Icon name="offline" size={32} /> {t(problem === 'offline' ? 'tvlink.problem.offline' : 'tvlink.problem.server')}
            </>
          )}
        </p>
      </footer>

      <p className="sr-only" role="status" aria-live="polite">
        {userCode ? t('tvlink.announce', { code: spelled(userCode) }) : ''}
      </p>
    </main>
  );
}
