import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

export type Route = (res: ServerResponse, req: SeenRequest) => void;

/**
 * A feed publisher on a free port of this machine, each path answered by its own route (changeable while it
 * runs); 404 for the rest. Every request is kept, so tests can check what a poll sent.
 */
export async function startFeedServer(host = '127.0.0.1') {
  const routes = new Map<string, Route>();
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const request = { path: req.url ?? '/', headers: req.headers };
    seen.push(request);
    const route = routes.get(request.path);
    if (!route) {
      res.writeHead(404).end('no such feed');
      return;
    }
    route(res, request);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path: string) => `http://${host}:${port}${path}`,
    route: (path: string, route: Route) => routes.set(path, route),
    seen,
    requestsTo: (path: string) => seen.filter((r) => r.path === path),
    async close() {
      // Hostile routes hold their responses open: end those sockets too.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FeedServer = Awaited<ReturnType<typeof startFeedServer>>;

/** Answers `body` with a fixed ETag and Last-Modified, and 304 to a request that sends either back. */
export function conditionalFeed(body: string, etag: string, lastModified: string): Route {
  return (res, req) => {
    if (req.headers['if-none-match'] === etag || req.headers['if-modified-since'] === lastModified) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/rss+xml; charset=utf-8',
      etag,
      'last-modified': lastModified,
    });
    res.end(body);
  };
}

/** An RSS document of invented stories, one item per title. */
export function rssFeed(channel: string, titles: readonly string[]): string {
  const items = titles
    .map(
      (title) =>
        `<item><title>${title}</title><link>https://${channel.toLowerCase().replace(/\W+/g, '-')}.example/${encodeURIComponent(title)}</link><description>${title}: the story the ${channel} ran this morning, in a few plain words.</description></item>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${channel}</title><language>en</language>${items}</channel></rss>`;
}
