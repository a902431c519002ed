// The kind of a socket-level request failure, as the load metrics count it.
export type SocketErrorKind = 'timeout' | 'reset' | 'connection';

export function classifyError(err: unknown): SocketErrorKind {
  const e = err as { code?: string; message?: string };
  if (e?.message === 'request timed out') return 'timeout';
  if (e?.code === 'ECONNRESET' || e?.code === 'EPIPE' || /socket hang up|ECONNRESET/.test(e?.message ?? '')) return 'reset';
  return 'connection';
}
