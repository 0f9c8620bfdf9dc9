import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { sendError } from './respond';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Serves the built UI from `root`. Paths without an extension are the single-page app's routes and get
 * `index.html`; Vite's hashed assets are cached for good, `index.html` never (it names the current ones).
 */
export async function serveStatic(root: string, pathname: string, res: ServerResponse): Promise<void> {
  let relative: string;
  try {
    relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  } catch {
    return sendError(res, 400, 'malformed path');
  }
  if (relative.split(sep).includes('..')) return sendError(res, 404, 'not found');
  const isRoute = relative === '' || extname(relative) === '';
  const file = join(root, isRoute ? 'index.html' : relative);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    return isRoute
      ? sendError(res, 503, `the web UI is not built (no ${file}); run npm run build -w apps/saga-monitor`)
      : sendError(res, 404, 'not found');
  }
  res.writeHead(200, {
    'content-type': types[extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  createReadStream(file).pipe(res);
}
