import type { ServerResponse } from 'node:http';

/** What a live update carries: the changed sagas and the fresh counts. */
export type LiveSnapshot = (changedIds: readonly string[]) => Promise<unknown>;

/**
 * Server-sent events for the live list. The projection reports the sagas each batch changed; they are
 * gathered and pushed at most every `intervalMs` as one `sagas` event, so a catch-up of thousands of
 * records costs a few queries, not thousands. A comment line every 15 s keeps proxies from closing idle streams.
 * A client that does not read (its socket buffer beyond `maxBufferedBytes`) is dropped, not buffered
 * without limit: it reconnects when it can and then re-reads what it missed.
 */
export class LiveUpdates {
  private readonly clients = new Set<ServerResponse>();
  private pending = new Set<string>();
  private flushing = false;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly keepAliveTimer: NodeJS.Timeout;

  constructor(
    private readonly snapshot: LiveSnapshot,
    private readonly onError: (error: unknown) => void,
    intervalMs = 300,
    private readonly maxBufferedBytes = 1024 * 1024,
  ) {
    this.flushTimer = setInterval(() => void this.flush(), intervalMs);
    this.keepAliveTimer = setInterval(() => this.broadcast(': keep-alive\n\n'), 15_000);
    this.flushTimer.unref();
    this.keepAliveTimer.unref();
  }

  /** Starts an event stream and sends the current counts at once. */
  async open(res: ServerResponse): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    const first = await this.snapshot([]);
    res.write(event('sagas', first));
  }

  /** How many streams are open. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Notes sagas that changed; they go out with the next flush. */
  changed(ids: Iterable<string>): void {
    if (this.clients.size === 0) return;
    for (const id of ids) this.pending.add(id);
  }

  /** Ends every stream. */
  close(): void {
    clearInterval(this.flushTimer);
    clearInterval(this.keepAliveTimer);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  private async flush(): Promise<void> {
    if (this.flushing || this.pending.size === 0 || this.clients.size === 0) return;
    this.flushing = true;
    // a burst larger than a page is sent as counts only: clients re-read their page instead
    const ids = [...this.pending];
    this.pending = new Set();
    try {
      const data = await this.snapshot(ids.length > 200 ? [] : ids);
      this.broadcast(event('sagas', { ...(data as object), reload: ids.length > 200 }));
    } catch (error) {
      this.onError(error);
    } finally {
      this.flushing = false;
    }
  }

  /** Sends `chunk` to every stream; a stream still holding more than the limit unread is closed instead. */
  broadcast(chunk: string): void {
    for (const c of this.clients) {
      // measured before writing: the backlog of earlier events, not the size of this one
      const unread = c.writableLength;
      if (unread > this.maxBufferedBytes) {
        this.clients.delete(c);
        c.destroy();
        this.onError(
          new Error(
            `dropped a live-update client holding ${unread} unread bytes (limit ${this.maxBufferedBytes})`,
          ),
        );
      } else c.write(chunk);
    }
  }
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
