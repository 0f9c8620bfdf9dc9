import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import type { PartitionLag } from '../kafka/consumer-lag';
import type { MonitorLogger } from '../logging/monitor-logger';
import { listDefinitions } from '../query/definitions';
import { loadDeclaredReactions } from '../query/declared';
import { getFlow } from '../query/get-flow';
import { getGraph } from '../query/get-graph';
import { getSaga } from '../query/get-saga';
import { listFlows } from '../query/list-flows';
import { checkKnownParams, parseFlowQuery } from '../query/parse-flow-query';
import { listSagas } from '../query/list-sagas';
import { parseListQuery } from '../query/parse-list-query';
import { QueryParamError } from '../query/query-error';
import { sagaStats } from '../query/stats';
import { loggableUrl } from '../config/redact';
import { handleAction, type ActionPerformer } from './action-route';
import { accessOf, type AccessTokens } from './bearer-auth';
import { decodePathSegment } from './decode-path';
import type { LiveUpdates } from './live-updates';
import { sendError, sendJson } from './respond';
import { serveStatic } from './static-files';

const noParams: ReadonlySet<string> = new Set();

/** What the HTTP layer reads from. */
export interface MonitorServerDeps {
  pool: Pool;
  registry: Registry;
  live: LiveUpdates;
  logger: MonitorLogger;
  lag: () => Promise<PartitionLag[]>;
  topics: () => string[];
  stuckAfterMs: number;
  /** A declared reaction awaited longer than this makes its flow stalled. */
  flowStallMs: number;
  statsWindowMs: number;
  /** Read and operator tokens; an unset operator token turns every action off. */
  tokens: AccessTokens;
  /** Carries out operator actions; absent, every action is refused like with no operator token. */
  actions?: ActionPerformer;
  uiDir: string;
  now?: () => Date;
}

/**
 * The monitor's HTTP server: REST under `/api` (reads; `POST /api/sagas/:id/actions` for operators),
 * server-sent events at `/api/stream`, Prometheus at `/metrics`, liveness at `/health`, and the web UI
 * for everything else.
 */
export function createMonitorServer(deps: MonitorServerDeps): Server {
  const now = deps.now ?? (() => new Date());
  return createServer((req, res) => {
    handle(deps, now, req, res).catch((error: unknown) => {
      deps.logger.log('error', 'request failed', { url: loggableUrl(req.url), error: String(error) });
      if (!res.headersSent) sendError(res, 500, 'internal error (see the monitor log)');
      else res.end();
    });
  });
}

async function handle(
  deps: MonitorServerDeps,
  now: () => Date,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://monitor');
  const path = url.pathname;
  const action = /^\/api\/sagas\/([^/]+)\/actions$/.exec(path);
  if (action) {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendError(res, 405, `${path} takes POST only`);
    }
    const sagaId = decodePathSegment(action[1]!);
    if (sagaId === null) return sendError(res, 400, 'malformed %-escape in the saga id', { parameter: 'id' });
    // an action's token must come in the header: a URL ends up in proxy logs and browser history
    const access = accessOf(req, url, deps.tokens, false);
    return handleAction(
      req,
      res,
      sagaId,
      access,
      deps.tokens.operate !== undefined ? deps.actions : undefined,
    );
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return sendError(res, 405, 'only GET here (operator actions: POST /api/sagas/:id/actions)');
  }
  if (path === '/health') {
    // healthy = the projection's database answers; Kafka trouble shows as lag, not as a restart loop
    const db = await deps.pool.query('select 1').then(
      () => true,
      () => false,
    );
    return sendJson(res, db ? 200 : 503, { status: db ? 'ok' : 'database unreachable' });
  }
  const isData = path.startsWith('/api/') || path === '/metrics';
  if (!isData) return serveStatic(deps.uiDir, path, res);
  if (accessOf(req, url, deps.tokens) === 'none') {
    res.setHeader('www-authenticate', 'Bearer realm="sagaflow-monitor"');
    return sendError(res, 401, 'a bearer token is required (Authorization: Bearer <MONITOR_TOKEN>)');
  }
  url.searchParams.delete('access_token');
  try {
    if (path === '/metrics') {
      const body = await deps.registry.metrics();
      res.writeHead(200, { 'content-type': deps.registry.contentType });
      return void res.end(body);
    }
    if (path === '/api/sagas')
      return sendJson(
        res,
        200,
        await listSagas(deps.pool, parseListQuery(url.searchParams), now(), deps.stuckAfterMs),
      );
    const one = /^\/api\/sagas\/([^/]+)$/.exec(path);
    if (one) {
      const id = decodePathSegment(one[1]!);
      if (id === null) return sendError(res, 400, 'malformed %-escape in the saga id', { parameter: 'id' });
      const detail = await getSaga(deps.pool, id, now(), deps.stuckAfterMs);
      return detail ? sendJson(res, 200, detail) : sendError(res, 404, `no saga ${id} in the projection`);
    }
    if (path === '/api/flows') {
      const q = parseFlowQuery(url.searchParams);
      const declared = await loadDeclaredReactions(deps.pool);
      return sendJson(res, 200, await listFlows(deps.pool, q, declared.reactions, now(), deps.flowStallMs));
    }
    const flow = /^\/api\/flows\/([^/]+)$/.exec(path);
    if (flow) {
      checkKnownParams(url.searchParams, noParams);
      const id = decodePathSegment(flow[1]!);
      if (id === null)
        return sendError(res, 400, 'malformed %-escape in the correlation id', { parameter: 'id' });
      const declared = await loadDeclaredReactions(deps.pool);
      const detail = await getFlow(deps.pool, id, declared.reactions, now(), deps.flowStallMs);
      return detail
        ? sendJson(res, 200, detail)
        : sendError(res, 404, `no message with correlation id ${id} in the projection`);
    }
    if (path === '/api/graph') {
      checkKnownParams(url.searchParams, noParams);
      return sendJson(res, 200, await getGraph(deps.pool, await loadDeclaredReactions(deps.pool)));
    }
    if (path === '/api/stats')
      return sendJson(res, 200, await sagaStats(deps.pool, now(), deps.stuckAfterMs, deps.statsWindowMs));
    if (path === '/api/definitions')
      return sendJson(res, 200, { definitions: await listDefinitions(deps.pool) });
    if (path === '/api/stream') return deps.live.open(res);
    if (path === '/api/status') {
      const lag = await deps.lag();
      return sendJson(res, 200, {
        topics: deps.topics(),
        lag: lag.reduce((n, l) => n + l.lag, 0),
        partitions: lag,
      });
    }
    return sendError(res, 404, `no route GET ${path}`);
  } catch (error) {
    if (error instanceof QueryParamError)
      return sendError(res, 400, error.message, { parameter: error.parameter });
    throw error;
  }
}
