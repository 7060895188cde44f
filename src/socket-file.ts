// Unix sockets leave a file behind when a server dies. Remove a stale one before listening, but
// never the socket of a server that is still running.
import { existsSync, lstatSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';

export class SocketInUseError extends Error {}

export async function clearStaleSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  if (!lstatSync(path).isSocket()) throw new SocketInUseError(`${path} exists and is not a socket: remove it or choose another --bind path.`);
  const alive = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new SocketInUseError(`Another server is already listening on unix:${path}; stop it first.`);
  unlinkSync(path);
}
