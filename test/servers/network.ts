/** Loopback ports and the probes that tell whether a server answers on them. */
import { readFile, readdir, readlink } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/**
 * Reserves one free loopback port per name. All are held open together so none is handed out
 * twice, then released for the server to bind.
 */
export async function freePorts<const Name extends string>(
  names: readonly Name[],
): Promise<Record<Name, number>> {
  const servers: Server[] = [];
  try {
    const ports = {} as Record<Name, number>;
    for (const name of names) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, LOOPBACK, resolve);
      });
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port assigned');
      ports[name] = address.port;
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

export function acceptsConnections(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when a GET answers 2xx. */
export async function answersOk(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * The `address:port` pairs a process listens on over TCP (IPv4 and IPv6), from /proc: its socket
 * inodes matched against the kernel's tables of listening sockets.
 */
export async function listeningAddresses(pid: number): Promise<string[]> {
  const fds = await readdir(`/proc/${pid}/fd`);
  const inodes = new Set<string>();
  for (const fd of fds) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]!);
  }
  const addresses: string[] = [];
  for (const table of ['tcp', 'tcp6'] as const) {
    const rows = (await readFile(`/proc/net/${table}`, 'utf8')).trim().split('\n').slice(1);
    for (const row of rows) {
      const [, local, , state, , , , , , inode] = row.trim().split(/\s+/);
      // State 0A is LISTEN.
      if (state === '0A' && inode !== undefined && inodes.has(inode)) addresses.push(decodeProcAddress(local!));
    }
  }
  return addresses;
}

/** `0100007F:1F90` → `127.0.0.1:8080`; IPv6 as its 32 hex digits, `::` for any. */
function decodeProcAddress(local: string): string {
  const [hex, portHex] = local.split(':') as [string, string];
  const port = Number.parseInt(portHex, 16);
  if (hex.length === 8) {
    const bytes = hex.match(/../g)!.map((b) => Number.parseInt(b, 16)).reverse();
    return `${bytes.join('.')}:${port}`;
  }
  if (/^0+$/.test(hex)) return `[::]:${port}`;
  if (hex === '00000000000000000000000001000000') return `[::1]:${port}`;
  return `[${hex}]:${port}`;
}
