import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppMetrics } from './app-metrics';
import { APP_LOGGER } from '../logging/app-logger';
import { correlationHeader } from '../logging/correlation';
import { JsonLogger, type StructuredLogger } from '../logging/json-logger';

/**
 * Times every HTTP request by method, route pattern (never the raw URL: ids would explode cardinality)
 * and status, and writes one access-log line with the request's correlation id (probes at debug level).
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly log: StructuredLogger;

  constructor(
    private readonly metrics: AppMetrics,
    @Inject(APP_LOGGER) logger: JsonLogger,
  ) {
    this.log = logger.child('http');
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = `${req.baseUrl}${(req.route as { path?: string } | undefined)?.path ?? 'unmatched'}`;
      this.metrics.httpDuration.observe(
        { method: req.method, route, status: String(res.statusCode) },
        seconds,
      );
      const probe = route === '/health' || route === '/metrics';
      // 'finish' fires outside the request's async context, so the id is read back from the response
      this.log[probe ? 'debug' : 'info']('http request', {
        correlationId: res.getHeader(correlationHeader),
        method: req.method,
        route,
        status: res.statusCode,
        ms: Math.round(seconds * 1000),
      });
    });
    next();
  }
}
