import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { Banner, ErrorBanner } from '../components/Banner';
import { Button } from '../components/Button';
import { Field } from '../components/Field';
import { Logo } from '../components/Layout';
import { useDocumentTitle, useSubmit } from '../lib/hooks';

function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/content';
}

export function LoginPage() {
  useDocumentTitle('Sign in');
  const { user, login, sessionEnded } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit: send } = useSubmit();
  const next = safeNext(params.get('next'));

  if (user) return <Navigate to={next} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await send(async () => {
      await login(email.trim(), password);
      navigate(next, { replace: true });
    });
  };

  return (
    <div className="login-page">
      <div className="login-card" data-testid="login-page">
        <div className="login-brand">
          <Logo />
        </div>
        <h1>Sign in</h1>
        <p className="muted">Launch content in every locale, on your schedule.</p>
        {sessionEnded && !error && (
          <Banner tone="warning" testId="session-ended">
            {sessionEnded}
          </Banner>
        )}
        {error && <ErrorBanner error={error} />}
        <form className="form-stack" onSubmit={submit}>
          <Field label="Email" htmlFor="login-email">
            <input
              id="login-email"
              className="input"
              type="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              data-testid="login-email"
            />
          </Field>
          <Field label="Password" htmlFor="login-password">
            <input
              id="login-password"
              className="input"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="login-password"
            />
          </Field>
          <Button type="submit" variant="primary" loading={busy} className="btn-block" data-testid="login-submit">
            Sign in
          </Button>
        </form>
        <p className="login-foot muted">Forgot your password? Ask an admin to reset it.</p>
      </div>
    </div>
  );
}
