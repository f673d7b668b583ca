/**
 * A forward proxy on 127.0.0.1, as corporate CI has: it answers `CONNECT host:port` by opening a
 * TCP tunnel, and records what it was asked and every byte the client sent through it, so a test
 * can show the proxy never saw the key. Host names map to local addresses (`hosts`), so a name
 * nobody can resolve, such as `api.openrouter.test`, still reaches a local server — through the
 * proxy only, as the client never resolves it.
 *
 *   const proxy = await startConnectProxy({ hosts: { 'api.openrouter.test': '127.0.0.1' } });
 *   // HTTPS_PROXY=proxy.url …
 *   expect(proxy.tunnels.map(({ target }) => target)).toEqual([...]);
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';

/** What the proxy does with a CONNECT: tunnel it, refuse it with a status, or never answer. */
export type ProxyBehaviour = { kind: 'tunnel' } | { kind: 'refuse'; status: number } | { kind: 'hang' };

export interface RecordedTunnel {
  /** The CONNECT target as asked: `api.openrouter.test:8443`. */
  target: string;
  headers: IncomingHttpHeaders;
}

export interface ConnectProxy {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** Every CONNECT, in order. */
  tunnels: RecordedTunnel[];
  /** Requests that were not CONNECT (a client sending its request to the proxy in the clear): answered 502. */
  plainRequests: Array<{ method: string; url: string; headers: IncomingHttpHeaders }>;
  /** Every byte the clients sent through the tunnels, after the CONNECT. */
  bytesFromClients(): Buffer;
  setBehaviour(behaviour: ProxyBehaviour): void;
  close(): Promise<void>;
}

export async function startConnectProxy({ hosts = {} }: { hosts?: Record<string, string> } = {}): Promise<ConnectProxy> {
  let behaviour: ProxyBehaviour = { kind: 'tunnel' };
  const tunnels: RecordedTunnel[] = [];
  const plainRequests: ConnectProxy['plainRequests'] = [];
  const fromClients: Buffer[] = [];
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client that gives up mid-tunnel resets the connection: expected, not a crash.
    socket.on('error', () => undefined);
  };

  const server = createServer((req, res) => {
    plainRequests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.writeHead(502).end();
  });
  server.on('connection', track);
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    tunnels.push({ target, headers: req.headers });
    if (behaviour.kind === 'hang') return;
    if (behaviour.kind === 'refuse') {
      client.end(`HTTP/1.1 ${behaviour.status} Refused by policy\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    const match = /^(.+):(\d+)$/.exec(target);
    if (!match) {
      client.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const upstream = connect(Number(match[2]), hosts[match[1]!] ?? match[1]!);
    track(upstream);
    upstream.on('error', () => client.destroy());
    upstream.on('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) {
        fromClients.push(head);
        upstream.write(head);
      }
      client.on('data', (chunk: Buffer) => fromClients.push(chunk));
      client.pipe(upstream);
      upstream.pipe(client);
    });
    client.on('close', () => upstream.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('connect proxy: no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    tunnels,
    plainRequests,
    bytesFromClients: () => Buffer.concat(fromClients),
    setBehaviour(next) {
      behaviour = next;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
