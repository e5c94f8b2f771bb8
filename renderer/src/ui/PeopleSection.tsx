/**
 * Settings → People (the owner only): with registration closed, the owner creates an account
 * for a household member here. Creating an account needs the owner's user session, which a
 * terminal does not keep (only its own credential): the owner's password opens one for this
 * request, and it is ended right after.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { codeOf, type ClientErrorCode } from '../api/http.ts';
import { errorText } from './Auth.tsx';
import { useRuntime, useT } from './context.tsx';
import { Icon } from './icons.tsx';

/** The People section; renders nothing unless this account is the server's owner. */
export function PeopleSection() {
  const rt = useRuntime();
  const t = useT();
  const headingId = useId();
  const ids = { name: useId(), login: useId(), password: useId(), owner: useId() };
  const [ownerLogin, setOwnerLogin] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ClientErrorCode | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [form, setForm] = useState({ name: '', login: '', password: '', owner: '' });

  useEffect(() => {
    let live = true;
    rt.api.me().then(
      (me) => live && setOwnerLogin(me.account.role === 'owner' ? me.account.login : null),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [rt]);
  if (!ownerLogin) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    let token: string | null = null;
    try {
      token = (await rt.api.signIn({ login: ownerLogin, password: form.owner })).token;
      const name = form.name.trim();
      const account = await rt.api.register({ login: form.login.trim(), password: form.password, ...(name ? { displayName: name } : {}) }, token);
      setCreated(account.login);
      setForm({ name: '', login: '', password: '', owner: '' });
      setOpen(false);
    } catch (err) {
      // The owner's own password, mistyped, is refused as "bad credentials": say which one.
      const code = codeOf(err);
      setError(token === null && code === 'BAD_CREDENTIALS' ? 'WRONG_PASSWORD' : code);
    } finally {
      if (token) rt.api.signOut(token).catch(() => undefined);
      setBusy(false);
    }
  };
  const field = (key: keyof typeof form) => ({ value: form[key], onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }) });

  return (
    <section className="settings-section" aria-labelledby={headingId} data-testid="people">
      <h3 id={headingId}>{t('people.title')}</h3>
      <p className="hint">{t('people.lead')}</p>
      {created && (
        <p className="callout" role="status" data-testid="person-created">
          {t('people.created', { login: created })}
        </p>
      )}
      {!open && (
        <div className="row-actions">
          <button type="button" className="btn btn-ghost btn-sm" onClick={() => setOpen(true)}>
            {t('people.add')}
          </button>
        </div>
      )}
      {open && (
        <form className="form" onSubmit={(e) => void submit(e)} data-testid="person-form">
          <label htmlFor={ids.name}>
            {t('auth.displayName')} <span className="muted">({t('auth.optional')})</span>
          </label>
          <input id={ids.name} maxLength={80} autoComplete="off" {...field('name')} autoFocus />
          <label htmlFor={ids.login}>{t('auth.login')}</label>
          <input id={ids.login} required minLength={3} maxLength={120} autoComplete="off" {...field('login')} />
          <label htmlFor={ids.password}>{t('people.password')}</label>
          <input id={ids.password} type="password" required minLength={8} maxLength={200} autoComplete="new-password" {...field('password')} />
          <label htmlFor={ids.owner}>{t('people.ownerPassword')}</label>
          <input id={ids.owner} type="password" required minLength={8} maxLength={200} autoComplete="current-password" {...field('owner')} />
          {error && (
            <p className="form-error" role="alert">
              <Icon name="alert" size={18} /> {errorText(error, t)}
            </p>
          )}
          <div className="row-actions">
            <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
              {t('people.create')}
            </button>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setOpen(false)}>
              {t('settings.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
