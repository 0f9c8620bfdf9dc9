import type { CausationNode } from '../../src/flows/causation-tree';
import type { GraphEdge } from '../../src/flows/interaction-graph';
import type { MissingReaction } from '../../src/flows/flow-status';
import type { ReactionCycle } from '../../src/flows/reaction-cycles';
import type { FlowDetail } from '../../src/query/get-flow';
import type { GraphResponse } from '../../src/query/get-graph';
import type { FlowPage, FlowSummary } from '../../src/query/list-flows';
import type { SagaDetail } from '../../src/query/get-saga';
import type { SagaPage } from '../../src/query/list-sagas';
import type { SagaSummary } from '../../src/query/saga-summary';
import type { StatsResponse } from '../../src/query/stats';

export type { SagaDetail, SagaPage, SagaSummary, StatsResponse };
export type {
  CausationNode,
  FlowDetail,
  FlowPage,
  FlowSummary,
  GraphEdge,
  GraphResponse,
  MissingReaction,
  ReactionCycle,
};

/** Counts the live stream sends with every update. */
export type StatusCounts = Record<string, number>;

/** One live update: fresh counts, the sagas that changed, and whether the list should be re-read. */
export interface LiveEvent {
  counts: StatusCounts;
  sagas: SagaSummary[];
  reload?: boolean;
}

const tokenKey = 'sagaflow-monitor-token';

/** Thrown when the monitor wants a bearer token (MONITOR_TOKEN is set). */
export class Unauthorized extends Error {}

/** The token the user entered, kept for this browser tab only. */
export function token(): string | null {
  return sessionStorage.getItem(tokenKey);
}

export function setToken(value: string): void {
  sessionStorage.setItem(tokenKey, value);
}

/** GETs JSON from the monitor's API with the token, if any. */
export async function api<T>(path: string): Promise<T> {
  const t = token();
  const res = await fetch(path, t ? { headers: { authorization: `Bearer ${t}` } } : {});
  if (res.status === 401) throw new Unauthorized('token required');
  const body = (await res.json()) as T & { error?: { message: string } };
  if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  return body;
}

/** Subscribes to live updates; EventSource cannot send headers, so the token goes in the query. */
export function live(onEvent: (e: LiveEvent) => void, onState: (connected: boolean) => void): () => void {
  const t = token();
  const source = new EventSource(`/api/stream${t ? `?access_token=${encodeURIComponent(t)}` : ''}`);
  source.addEventListener('sagas', (e) => onEvent(JSON.parse((e as MessageEvent<string>).data) as LiveEvent));
  source.onopen = () => onState(true);
  source.onerror = () => onState(false);
  return () => source.close();
}

const operatorTokenKey = 'sagaflow-monitor-operator-token';

/** The operator token entered in this tab (never the read token: they are separate). */
export function operatorToken(): string {
  return sessionStorage.getItem(operatorTokenKey) ?? '';
}

export function setOperatorToken(value: string): void {
  if (value) sessionStorage.setItem(operatorTokenKey, value);
  else sessionStorage.removeItem(operatorTokenKey);
}

/** What the operator panel sends to `POST /api/sagas/:id/actions`. */
export type ActionBody =
  | {
      action: 'retry-dead-letter' | 'discard-dead-letter';
      reason: string;
      operator: string;
      deadLetter: { topic: string; partition: number; offset: string };
    }
  | { action: 'resume' | 'cancel'; reason: string; operator: string };

/**
 * Performs an operator action with the operator token.
 * @throws Error with the monitor's message (401, 403, 409 …); the panel shows it as is.
 */
export async function postAction(sagaId: string, body: ActionBody, token: string): Promise<void> {
  const res = await fetch(`/api/sagas/${encodeURIComponent(sagaId)}/actions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.ok) return;
  const answer = (await res.json().catch(() => ({}))) as { error?: { message: string } };
  throw new Error(`${res.status}: ${answer.error?.message ?? res.statusText}`);
}
