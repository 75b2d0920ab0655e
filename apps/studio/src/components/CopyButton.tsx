import { useState } from 'react';
import { Button } from './Button';

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API needs a secure context; fall back to a hidden textarea.
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    return ok;
  }
}

function CopyButton({ text, label = 'Copy', testId = 'copy-button' }: { text: string; label?: string; testId?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <Button
      size="sm"
      icon={state === 'copied' ? 'check' : 'copy'}
      data-testid={testId}
      onClick={async () => {
        setState((await copyText(text)) ? 'copied' : 'failed');
        setTimeout(() => setState('idle'), 2000);
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy' : label}
    </Button>
  );
}

/** A one-time secret (API key, temporary password) with a copy button and a warning. */
export function SecretReveal({ label, secret, warning, testId = 'secret-value' }: { label: string; secret: string; warning: string; testId?: string }) {
  return (
    <div className="secret-reveal">
      <div className="field-label">{label}</div>
      <div className="secret-row">
        <code className="secret" data-testid={testId} onFocus={(e) => window.getSelection()?.selectAllChildren(e.currentTarget)} tabIndex={0}>
          {secret}
        </code>
        <CopyButton text={secret} />
      </div>
      <p className="secret-warning">{warning}</p>
    </div>
  );
}
