// Memory of another process, from Linux procfs. RSS is split into anonymous memory (what the
// process allocated: heaps, KV caches, leaks) and file-backed memory (mmapped files: a GGUF model
// loaded with mmap lives here and can be dropped by the kernel under pressure). Everything returns
// undefined where procfs is missing or the process is gone, never throws.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcessMemory {
  pid: number;
  rss: number;
  anon: number;
  /** File-backed resident memory (mmapped files, the executable, shared libraries). */
  file: number;
  shmem: number;
  swap: number;
}

const KB = 1024;

/** Parses /proc/PID/smaps_rollup text: Rss, Anonymous, Pss_File/Pss_Shmem hints, Swap. */
export function parseSmapsRollup(pid: number, text: string): ProcessMemory | undefined {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+) kB/.exec(line);
    if (m) fields.set(m[1]!, Number(m[2]) * KB);
  }
  const rss = fields.get('Rss');
  const anon = fields.get('Anonymous');
  if (rss === undefined || anon === undefined) return undefined;
  // smaps_rollup has no resident-shmem line, only its Pss; fine for the unshared shmem we see.
  const shmem = fields.get('Pss_Shmem') ?? 0;
  return { pid, rss, anon, file: Math.max(0, rss - anon - shmem), shmem, swap: fields.get('Swap') ?? 0 };
}

/** Falls back to /proc/PID/status (RssAnon/RssFile/RssShmem) on kernels without smaps_rollup. */
export function parseStatus(pid: number, text: string): ProcessMemory | undefined {
  const get = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * KB : undefined;
  };
  const rss = get('VmRSS');
  const anon = get('RssAnon');
  const file = get('RssFile');
  if (rss === undefined || anon === undefined || file === undefined) return undefined;
  return { pid, rss, anon, file, shmem: get('RssShmem') ?? 0, swap: get('VmSwap') ?? 0 };
}

export function readProcessMemory(pid: number): ProcessMemory | undefined {
  try {
    return parseSmapsRollup(pid, readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  } catch {
    try {
      return parseStatus(pid, readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return undefined;
    }
  }
}

/** Direct children of a process (from /proc/PID/task/*\/children, else a scan of /proc/*\/stat). */
export function childPids(pid: number): number[] {
  const out = new Set<number>();
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      for (const c of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/)) if (c) out.add(Number(c));
    }
    return [...out];
  } catch {
    // no children files (kernel config): scan
  }
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) out.add(Number(entry));
      } catch {
        // the process went away
      }
    }
  } catch {
    // no procfs
  }
  return [...out];
}

/** A process and all its descendants. */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length && all.length < 256; i++) all.push(...childPids(all[i]!));
  return all;
}

/** Listening TCP sockets on this machine: socket inode → local port, from /proc/net/tcp{,6}. */
function listeningSockets(): Map<string, number> {
  const sockets = new Map<string, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      if (!local || cols[3] !== '0A') continue; // 0A = LISTEN
      sockets.set(cols[9]!, parseInt(local.split(':')[1]!, 16));
    }
  }
  return sockets;
}

/** The socket inodes among a process's open fds (empty when its fds cannot be read). */
function socketInodes(pid: number | string): string[] {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const inodes: string[] = [];
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.push(m[1]!);
    } catch {
      // fd closed meanwhile
    }
  }
  return inodes;
}

/**
 * The pid listening on a local TCP port (a local http target), found through the socket inode in
 * /proc/net/tcp{,6} and the fds of processes this user can read. undefined when not found.
 */
export function pidListeningOn(port: number): number | undefined {
  const inodes = new Set([...listeningSockets()].filter(([, p]) => p === port).map(([inode]) => inode));
  if (inodes.size === 0) return undefined;
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return undefined;
  }
  for (const entry of entries) if (socketInodes(entry).some((i) => inodes.has(i))) return Number(entry);
  return undefined;
}

/** The local TCP ports a process listens on; empty when none or unreadable. */
export function listeningPorts(pid: number): number[] {
  const sockets = listeningSockets();
  return [...new Set(socketInodes(pid).flatMap((i) => (sockets.has(i) ? [sockets.get(i)!] : [])))];
}

/** The environment a process started with (readable for this user's processes). */
export function processEnvironment(pid: number): Record<string, string> | undefined {
  try {
    const env: Record<string, string> = {};
    for (const pair of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const eq = pair.indexOf('=');
      if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return env;
  } catch {
    return undefined;
  }
}
