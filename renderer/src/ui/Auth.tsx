/**
 * First run: sign in or create an account (the owner's on a server without one; none offered
 * when registration is closed — the owner adds people in Settings), then name this terminal (its type defaults to the
 * page's `?type=`, else `pc`). Errors are explained by their stable code.
 */
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { TERMINAL_TYPES, type TerminalType } from '../../../common/protocol/model.ts';
import { assertNever } from '../../../common/errors.ts';
import type { ClientErrorCode } from '../api/http.ts';
import type { RegistrationPolicy } from '../../../common/protocol/account.ts';
import type { NoticeDetail, SignOutNotice } from '../stores/session.ts';
import type { MessageKey, Translate } from '../../../common/i18n/index.ts';
import { browserSignals, proposeTerminalType } from '../platform/device-type.ts';
import { useRuntime, useT } from './context.tsx';
import { Icon, TerminalIcon } from './icons.tsx';

const EXPLAINED = new Set<ClientErrorCode>([
  'BAD_CREDENTIALS',
  'ACCOUNT_EXISTS',
  'VALIDATION_FAILED',
  'RATE_LIMITED',
  'NETWORK_DOWN',
  'TIMEOUT',
  'WRONG_PASSWORD',
  'REGISTRATION_CLOSED',
  'OWNER_ONLY',
  'PROGRAM_RESTRICTED',
  'PIN_WRONG',
  'PIN_LOCKED',
  'PROFILE_NOT_FOUND',
  'PROFILE_LIMIT',
]);

/** The sentence explaining an error code. */
export function errorText(code: ClientErrorCode, t: Translate): string {
  return EXPLAINED.has(code) ? t(`error.${code}` as MessageKey) : t('error.generic');
}

/** The sentence explaining why this terminal was signed out. */
function noticeText(notice: SignOutNotice, detail: NoticeDetail | null, t: Translate): string {
  const n = (k: string) => detail?.[k] ?? 0;
  switch (notice) {
    case 'terminal-removed':
      return t('auth.terminalRemoved');
    case 'signed-out-everywhere':
      return t('auth.signedOutEverywhere', { count: n('terminals') });
    case 'account-deleted':
      return t('auth.accountDeleted', { terminals: n('terminals'), history: n('historyRecords'), profiles: n('profiles'), sessions: n('sessions') });
    default:
      return assertNever(notice, 'sign-out notice');
  }
}

/** A branded card alone on the page (first run, and the link page of a browser that is no terminal). */
export function BrandedCard({ className, labelledBy, children }: { className?: string; labelledBy: string; children: ReactNode }) {
  const t = useT();
  return (
    <main className="auth" id="main">
      <div className="auth-backdrop" aria-hidden="true" />
      <section className={className ? `auth-card ${className}` : 'auth-card'} aria-labelledby={labelledBy}>
        <div className="brand brand-lg">
          <img src="./icon.svg" alt="" width={40} height={40} />
          <span>{t('app.name')}</span>
        </div>
        {children}
      </section>
    </main>
  );
}

/** The branded frame of the first-run screens. */
function AuthFrame({ title, lead, children }: { title: string; lead: string; children: ReactNode }) {
  const t = useT();
  return (
    <BrandedCard labelledBy="auth-title">
      <p className="auth-tagline">{t('app.tagline')}</p>
      <h1 id="auth-title">{title}</h1>
      <p className="auth-lead">{lead}</p>
      {children}
    </BrandedCard>
  );
}

/** The server's registration policy (null until known, or when it could not be read: both offered). */
function useRegistrationPolicy(): RegistrationPolicy | null {
  const rt = useRuntime();
  const [policy, setPolicy] = useState<RegistrationPolicy | null>(null);
  const error = useStore(rt.session, (s) => s.error);
  useEffect(() => {
    const ctl = new AbortController();
    rt.api.registration(ctl.signal).then(setPolicy, () => undefined);
    return () => ctl.abort();
    // Read again after a failure: REGISTRATION_CLOSED means someone else became the owner.
  }, [rt, error]);
  return policy;
}

/** Sign in / create account (or, on a server without an account yet, create its owner's). */
export function SignIn() {
  const rt = useRuntime();
  const t = useT();
  const busy = useStore(rt.session, (s) => s.busy);
  const error = useStore(rt.session, (s) => s.error);
  const notice = useStore(rt.session, (s) => s.notice);
  const detail = useStore(rt.session, (s) => s.noticeDetail);
  const [mode, setMode] = useState<'signIn' | 'register'>('signIn');
  const policy = useRegistrationPolicy();
  // A server without an account yet: its first account is the owner's, nothing to sign in to.
  const owner = policy?.needsOwner === true;
  // Registration closed: the owner creates accounts in Settings; only sign-in is offered.
  const closed = policy !== null && !policy.open && !policy.needsOwner;
  const shown = owner ? 'register' : closed ? 'signIn' : mode;
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const ids = { login: useId(), password: useId(), name: useId(), error: useId() };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const s = rt.session.getState();
    void (shown === 'signIn' ? s.signIn(login, password) : s.register(login, password, displayName));
  };
  const switchTo = (next: 'signIn' | 'register') => {
    setMode(next);
    rt.session.getState().clearError();
  };

  return (
    <AuthFrame title={t(owner ? 'auth.owner.title' : shown === 'signIn' ? 'auth.signIn.title' : 'auth.register.title')} lead={t(owner ? 'auth.owner.lead' : 'auth.lead')}>
      {notice && (
        <p className="callout" role="status" data-testid="signed-out-notice">
          {noticeText(notice, detail, t)}
        </p>
      )}
      {!owner && !closed && (
        <div className="segmented" role="tablist" aria-label={t('app.name')}>
          <button type="button" role="tab" aria-selected={mode === 'signIn'} onClick={() => switchTo('signIn')}>
            {t('auth.tab.signIn')}
          </button>
          <button type="button" role="tab" aria-selected={mode === 'register'} onClick={() => switchTo('register')}>
            {t('auth.tab.register')}
          </button>
        </div>
      )}
      <form className="form" onSubmit={submit} noValidate={false} aria-describedby={error ? ids.error : undefined}>
        <label htmlFor={ids.login}>{t('auth.login')}</label>
        <input
          id={ids.login}
          name="username"
          autoComplete="username"
          required
          minLength={3}
          maxLength={120}
          value={login}
          onChange={(e) => setLogin(e.target.value)}
          autoFocus
        />
        {shown === 'register' && (
          <>
            <label htmlFor={ids.name}>
              {t('auth.displayName')} <span className="muted">({t('auth.optional')})</span>
            </label>
            <input id={ids.name} name="name" autoComplete="name" maxLength={80} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          </>
        )}
        <label htmlFor={ids.password}>{t('auth.password')}</label>
        <input
          id={ids.password}
          name="password"
          type="password"
          autoComplete={shown === 'signIn' ? 'current-password' : 'new-password'}
          required
          minLength={8}
          maxLength={200}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {shown === 'register' && <p className="hint">{t('auth.password.hint')}</p>}
        {error && (
          <p className="form-error" id={ids.error} role="alert">
            <Icon name="alert" size={18} /> {errorText(error, t)}
          </p>
        )}
        {closed && (
          <p className="hint" data-testid="registration-closed">
            {t('auth.closed.hint')}
          </p>
        )}
        <button className="btn btn-primary btn-block" type="submit" disabled={busy}>
          {t(owner ? 'auth.submit.owner' : shown === 'signIn' ? 'auth.submit.signIn' : 'auth.submit.register')}
        </button>
      </form>
    </AuthFrame>
  );
}

/** Name this terminal and choose its type. */
export function NameTerminal() {
  const rt = useRuntime();
  const t = useT();
  const busy = useStore(rt.session, (s) => s.busy);
  const error = useStore(rt.session, (s) => s.error);
  const login = useStore(rt.session, (s) => s.account?.login ?? '');
  const [proposed] = useState<TerminalType>(() => rt.options.type ?? proposeTerminalType(browserSignals()));
  const [type, setType] = useState<TerminalType>(proposed);
  const [name, setName] = useState('');
  const [edited, setEdited] = useState(false);
  const nameId = useId();
  const shownName = edited ? name : t('name.suggest', { type });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (shownName.trim()) void rt.session.getState().nameTerminal(shownName, type);
  };

  return (
    <AuthFrame title={t('name.title')} lead={t('name.lead')}>
      <p className="muted signed-in-as">{t('name.signedInAs', { login })}</p>
      <form className="form" onSubmit={submit}>
        <fieldset className="type-picker">
          <legend>{t('name.type')}</legend>
          {TERMINAL_TYPES.map((ty) => (
            <label key={ty} className={ty === type ? 'type-option selected' : 'type-option'}>
              <input type="radio" name="terminal-type" value={ty} checked={ty === type} onChange={() => setType(ty)} />
              <TerminalIcon type={ty} size={28} />
              <span>{t('type', { type: ty })}</span>
            </label>
          ))}
        </fieldset>
        {type === proposed && !rt.options.type && (
          <p className="hint" data-testid="type-detected">
            {t('name.type.detected', { type })}
          </p>
        )}
        <label htmlFor={nameId}>{t('name.label')}</label>
        <input
          id={nameId}
          required
          maxLength={60}
          value={shownName}
          onChange={(e) => {
            setEdited(true);
            setName(e.target.value);
          }}
          autoFocus
        />
        {error && (
          <p className="form-error" role="alert">
            <Icon name="alert" size={18} /> {errorText(error, t)}
          </p>
        )}
        <button className="btn btn-primary btn-block" type="submit" disabled={busy || !shownName.trim()}>
          {t('name.submit')}
        </button>
        <button className="btn btn-link" type="button" onClick={() => rt.session.getState().useOtherAccount()}>
          {t('name.otherAccount')}
        </button>
      </form>
    </AuthFrame>
  );
}
