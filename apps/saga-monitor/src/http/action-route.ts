import type { IncomingMessage, ServerResponse } from 'node:http';
import { actionRequestSchema, ActionRefused, type ActionRequest } from '../actions/action-request';
import type { Access } from './bearer-auth';
import { sendError, sendJson } from './respond';

/** What an accepted action answers: 200 when done, 202 when it waits on a service (resume, cancel). */
export interface ActionResult {
  status: 200 | 202;
  body: unknown;
}

/** Carries out one validated operator action on one saga. */
export interface ActionPerformer {
  /** @throws ActionRefused for a refusal the caller can act on. */
  perform(sagaId: string, request: ActionRequest): Promise<ActionResult>;
}

const maxBodyBytes = 16 * 1024;

/**
 * `POST /api/sagas/:id/actions`: refuses without the operator token (401 none or unknown, 403 the read
 * token, 403 when operating is off), then validates the JSON body (400 naming the field) and performs it.
 */
export async function handleAction(
  req: IncomingMessage,
  res: ServerResponse,
  sagaId: string,
  access: Access,
  performer: ActionPerformer | undefined,
): Promise<void> {
  if (performer === undefined) {
    req.resume();
    return sendError(res, 403, 'operator actions are off: the monitor has no MONITOR_OPERATOR_TOKEN');
  }
  if (access === 'none') {
    req.resume();
    res.setHeader('www-authenticate', 'Bearer realm="sagaflow-monitor-operator"');
    return sendError(res, 401, 'operator token required (Authorization: Bearer <MONITOR_OPERATOR_TOKEN>)');
  }
  if (access !== 'operate') {
    req.resume();
    return sendError(
      res,
      403,
      'this request may read, not operate: it needs the operator token (Authorization: Bearer <MONITOR_OPERATOR_TOKEN>)',
    );
  }
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    return sendError(res, 415, 'the body must be application/json');
  const text = await readBody(req);
  if (text === null) return sendError(res, 413, `the body must be at most ${maxBodyBytes} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return sendError(res, 400, 'the body is not JSON');
  }
  const parsed = actionRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'action';
    const message =
      issue.code === 'invalid_union'
        ? 'action must be one of retry-dead-letter, discard-dead-letter, resume, cancel'
        : issue.message;
    return sendError(res, 400, message, { parameter: field });
  }
  try {
    const result = await performer.perform(sagaId, parsed.data);
    return sendJson(res, result.status, result.body);
  } catch (error) {
    if (error instanceof ActionRefused) return sendError(res, error.status, error.message);
    throw error;
  }
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
