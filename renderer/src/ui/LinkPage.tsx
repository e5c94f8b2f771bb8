/**
 * The link page (`#/link?code=…`), on a PC or phone: enter the code a TV shows to make that TV
 * a terminal of your account (RFC 8628). The TV's QR code opens this page with the code filled
 * in. A registered terminal approves with its own credential (no password); anywhere else the
 * page also asks to sign in, for this one request — that browser does not become a terminal.
 * Every refusal is explained by its stable code.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { assertNever } from '../../../common/errors.ts';
import type { ClientErrorCode } from '../api/http.ts';
import type { MessageKey, Translate } from '../../../common/i18n/index.ts';
import { createLinkApprovalStore, type LinkFailure } from '../stores/link-approval.ts';
import { typedCode } from '../user-code.ts';
import { BrandedCard, errorText } from './Auth.tsx';
import { useRuntime, useT } from './context.tsx';
import { Icon } from './icons.tsx';

/** Refusals of a code, in the words of this page. */
const CODE_ERRORS: Partial<Record<ClientErrorCode, MessageKey>> = {
  CODE_INVALID: 'link.error.CODE_INVALID',
  CODE_EXPIRED: 'link.error.CODE_EXPIRED',
  RATE_LIMITED: 'link.error.RATE_LIMITED',
  VALIDATION_FAILED: 'link.error.format',
};

/** The sentence explaining a failure (a sign-in failure reads as on the sign-in screen). */
export function failureText(f: LinkFailure, t: Translate): string {
  switch (f.step) {
    case 'format':
      return t('link.error.format');
    case 'signIn':
      return errorText(f.code, t);
    case 'link': {
      const key = CODE_ERRORS[f.code];
      return key ? t(key) : errorText(f.code, t);
    }
    default:
      return assertNever(f, 'link failure');
  }
}

/** The frame: inside the app's shell for a terminal, a branded card of its own otherwise. */
function Frame({ standalone, children }: { standalone: boolean; children: ReactNode }) {
  if (!standalone) return <section className="link-page" aria-labelledby="link-title">{children}</section>;
  return (
    <BrandedCard className="link-card" labelledBy="link-title">
      {children}
    </BrandedCard>
  );
}

/** The confirmation, focused when it appears. */
function Done({ name, onAnother }: { name: string; onAnother: () => void }) {
  const t = useT();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="link-done" data-testid="link-done">
      <span className="link-done-icon" aria-hidden="true">
        <Icon name="check" size={32} />
      </span>
      <h2 ref={heading} tabIndex={-1}>
        {t('link.done.title')}
      </h2>
      <p role="status">{t('link.done', { name })}</p>
      <button type="button" className="btn btn-ghost" onClick={onAnother}>
        {t('link.another')}
      </button>
    </div>
  );
}

/** The link page; `code` comes from the URL (null when absent). */
export function LinkPage({ code }: { code: string | null }) {
  const rt = useRuntime();
  const t = useT();
  const asTerminal = useStore(rt.session, (s) => s.phase === 'ready');
  const [approval] = useState(() => createLinkApprovalStore({ api: rt.api }));
  const busy = useStore(approval, (s) => s.busy);
  const failure = useStore(approval, (s) => s.failure);
  const linked = useStore(approval, (s) => s.linked);
  const [typed, setTyped] = useState(code ?? '');
  const [name, setName] = useState('');
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const ids = { code: useId(), hint: useId(), name: useId(), login: useId(), password: useId(), error: useId() };

  // A QR code opened while this page is open brings its own code.
  useEffect(() => {
    if (code) setTyped(code);
  }, [code]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const approver = asTerminal ? ({ kind: 'terminal' } as const) : ({ kind: 'account', login, password } as const);
    if (await approval.getState().submit({ code: typed, name, approver })) setPassword('');
  };
  const another = () => {
    approval.getState().reset();
    setTyped('');
    setName('');
  };
  const codeRefused = failure?.step === 'format' || (failure?.step === 'link' && failure.code in CODE_ERRORS);

  return (
    <Frame standalone={!asTerminal}>
      <h1 id="link-title" className="link-title">
        {t('link.title')}
      </h1>
      {linked ? (
        <Done name={linked.terminalName} onAnother={another} />
      ) : (
        <>
          <p className="link-lead">{t(asTerminal ? 'link.lead' : 'link.lead.signIn')}</p>
          <form className="form link-form" onSubmit={(e) => void submit(e)} noValidate aria-describedby={failure ? ids.error : undefined}>
            <label htmlFor={ids.code}>{t('link.code')}</label>
            <input
              id={ids.code}
              className="link-code-input"
              name="code"
              data-testid="link-code"
              value={typed}
              onChange={(e) => setTyped(typedCode(e.target.value))}
              autoComplete="off"
              autoCapitalize="characters"
              autoCorrect="off"
              spellCheck={false}
              inputMode="text"
              enterKeyHint="go"
              maxLength={9}
              placeholder="XXXX-XXXX"
              aria-describedby={ids.hint}
              aria-invalid={codeRefused || undefined}
              autoFocus={!code}
            />
            <p className="hint" id={ids.hint}>
              {t('link.code.hint')}
            </p>
            <label htmlFor={ids.name}>
              {t('link.name')} <span className="muted">({t('auth.optional')})</span>
            </label>
            <input
              id={ids.name}
              name="tv-name"
              autoComplete="off"
              maxLength={60}
              placeholder={t('link.name.placeholder')}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            {!asTerminal && (
              <fieldset className="link-account">
                <legend>{t('link.account')}</legend>
                <label htmlFor={ids.login}>{t('auth.login')}</label>
                <input
                  id={ids.login}
                  name="username"
                  autoComplete="username"
                  maxLength={120}
                  value={login}
                  onChange={(e) => setLogin(e.target.value)}
                  autoFocus={!!code}
                />
                <label htmlFor={ids.password}>{t('auth.password')}</label>
                <input
                  id={ids.password}
                  name="password"
                  type="password"
                  autoComplete="current-password"
                  maxLength={200}
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
              </fieldset>
            )}
            {failure && (
              <p className="form-error" id={ids.error} role="alert" data-testid="link-error">
                <Icon name="alert" size={18} /> {failureText(failure, t)}
              </p>
            )}
            <button className="btn btn-primary btn-block" type="submit" disabled={busy}>
              {t(busy ? 'link.sending' : 'link.submit')}
            </button>
          </form>
        </>
      )}
      {asTerminal && (
        <a className="btn btn-link link-home" href="#/">
          {t('link.home')}
        </a>
      )}
    </Frame>
  );
}
