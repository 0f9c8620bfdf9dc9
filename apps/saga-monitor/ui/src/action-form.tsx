import { useState } from 'preact/hooks';
import { operatorToken, postAction, setOperatorToken, type ActionBody } from './api';

const operatorNameKey = 'sagaflow-monitor-operator-name';

/** What the operator is about to do, before the reason is given. */
export type PendingAction =
  | {
      action: 'retry-dead-letter' | 'discard-dead-letter';
      deadLetter: { topic: string; partition: number; offset: string };
    }
  | { action: 'resume' | 'cancel' };

const titles: Record<PendingAction['action'], string> = {
  'retry-dead-letter': 'Retry the dead-lettered record on its original topic',
  'discard-dead-letter': 'Discard the dead-lettered record',
  resume: 'Resume the saga (its held-back messages are tried again)',
  cancel: 'Cancel the saga (its completed steps are compensated)',
};

/**
 * Asks for the reason, the operator's name and the operator token, then performs the action. The
 * monitor refuses without the operator token (401/403); the refusal is shown as it came.
 */
export function ActionForm({
  sagaId,
  pending,
  onDone,
  onClose,
}: {
  sagaId: string;
  pending: PendingAction;
  onDone: () => void;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  const [operator, setOperator] = useState(localStorage.getItem(operatorNameKey) ?? '');
  const [token, setToken] = useState(operatorToken());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await postAction(sagaId, { ...pending, reason, operator } as ActionBody, token);
      localStorage.setItem(operatorNameKey, operator);
      setOperatorToken(token);
      onDone();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="action-form" data-testid="action-form" data-action={pending.action} onSubmit={submit}>
      <h3>{titles[pending.action]}</h3>
      <label>
        Reason (recorded in the audit trail)
        <textarea
          data-testid="action-reason"
          required
          minLength={3}
          value={reason}
          onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
        />
      </label>
      <label>
        Your name
        <input
          data-testid="action-operator"
          required
          value={operator}
          onInput={(e) => setOperator((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        Operator token
        <input
          data-testid="action-token"
          type="password"
          autocomplete="off"
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
        />
      </label>
      {error && (
        <p class="error" data-testid="action-error">
          {error}
        </p>
      )}
      <div class="buttons">
        <button type="submit" data-testid="action-submit" disabled={busy}>
          {busy ? 'Sending…' : 'Confirm'}
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
