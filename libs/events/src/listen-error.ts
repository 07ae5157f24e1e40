import { SondeError } from './sonde-error';

/** What the kernel said, in words an operator acts on (the errno stays in the context). */
const REASONS: Record<string, string> = {
  EADDRINUSE: 'address already in use (another process listens there)',
  EACCES: 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)',
  EADDRNOTAVAIL: 'address not available on this host',
  EAFNOSUPPORT: 'address family not supported on this host',
};

/**
 * A socket a process was configured to listen on could not be opened. Fatal at boot: the process
 * cannot do its job, so it exits non-zero at once (libs/runtime `EXIT_CANNOT_LISTEN`) with this
 * one line, which names the config path that chose the address (`trapReceiver.listen[0]`,
 * `telemetry.http.port`).
 */
export class ListenError extends SondeError {
  constructor(
    readonly configPath: string,
    transport: 'udp' | 'tcp' | 'tls' | 'http',
    address: string,
    port: number,
    cause: unknown,
  ) {
    const errno = (cause as NodeJS.ErrnoException | undefined)?.code;
    const reason = (errno && REASONS[errno]) ?? (cause instanceof Error ? cause.message : String(cause));
    const where = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
    super('unavailable', `cannot listen on ${transport} ${where} (${configPath}): ${reason}`, { configPath, address, port, errno }, { cause });
  }
}
