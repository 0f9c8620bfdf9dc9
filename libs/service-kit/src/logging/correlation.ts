import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** HTTP header carrying the correlation id in and out, so a client can follow its request into the logs. */
export const correlationHeader = 'x-correlation-id';

const store = new AsyncLocalStorage<{ correlationId: string }>();

/** The correlation id of the request or message being handled, if any. */
export function currentCorrelationId(): string | undefined {
  return store.getStore()?.correlationId;
}

/** Runs `fn` with `correlationId` attached to every log line it (and what it awaits) writes. */
export function withCorrelation<T>(correlationId: string, fn: () => T): T {
  return store.run({ correlationId }, fn);
}

/**
 * Gives every HTTP request a correlation id — the caller's `x-correlation-id` when it sends a sane one,
 * else a new UUID — echoes it in the response and puts it on the request's log lines.
 */
@Injectable()
export class CorrelationMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const given = req.header(correlationHeader);
    // a caller-supplied id ends up in logs and headers: accept only short, printable ones
    const id = given && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    res.setHeader(correlationHeader, id);
    withCorrelation(id, next);
  }
}
