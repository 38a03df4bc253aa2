import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export { sleep };

/** The repository root: every child runs from here, as `npm start` would. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Spawned {
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** The last lines the process wrote (stdout and stderr), for error messages. */
  tail(lines?: number): string;
}

const live = new Set<Spawned>();

/**
 * Starts a process whose stdout and stderr go to `logFile`: the bench process never reads a
 * server's output while measuring it, so logging costs the server what it would in production
 * (a write to a file descriptor) and costs the load generator nothing.
 */
export function spawnLogged(command: string, args: string[], options: { env: NodeJS.ProcessEnv; logFile: string }): Spawned {
  const fd = openSync(options.logFile, 'w');
  const child = spawn(command, args, { cwd: ROOT, env: options.env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${command} ${args.join(' ')}`);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      live.delete(spawned);
      resolve({ code, signal });
    });
  });
  const spawned: Spawned = {
    child,
    pid: child.pid,
    logFile: options.logFile,
    exited,
    hasExited: () => done,
    tail(lines = 20) {
      try {
        return readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
  live.add(spawned);
  return spawned;
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
export async function stopProcess(p: Spawned, graceMs = 15_000): Promise<{ forced: boolean }> {
  if (p.hasExited()) return { forced: false };
  p.child.kill('SIGTERM');
  const timer = sleep(graceMs).then(() => 'timeout' as const);
  if ((await Promise.race([p.exited, timer])) !== 'timeout') return { forced: false };
  p.child.kill('SIGKILL');
  await p.exited;
  return { forced: true };
}

/** Kills every process this run started and that is still running (Ctrl-C, crashes). */
export function killAllSpawned(): void {
  for (const p of live) p.child.kill('SIGKILL');
}

/** A port nothing listens on right now (the OS picks it; we release it for the child to bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function getStatus(url: string): Promise<number | null> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? null));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(null));
  });
}

/** Polls `url` every `intervalMs` until it answers 200; fails fast if the process dies. */
export async function waitFor200(url: string, p: Spawned, options: { timeoutMs: number; intervalMs?: number }): Promise<void> {
  const deadline = performance.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 5;
  while (performance.now() < deadline) {
    if ((await getStatus(url)) === 200) return;
    if (p.hasExited()) throw new Error(`process exited before ${url} answered 200:\n${p.tail()}`);
    await sleep(interval);
  }
  throw new Error(`${url} did not answer 200 within ${options.timeoutMs} ms:\n${p.tail()}`);
}

/** Resident set size of a process in MB (VmRSS from /proc; `ps` where there is no /proc). */
export function rssMB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = status.match(/^VmRSS:\s+(\d+)\s+kB$/m);
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
}

export function median(values: number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The environment a child server gets: ours without anything that would point it elsewhere. */
export function cleanEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('OPENPRM_') || key.startsWith('npm_')) continue;
    if (['DATABASE_URL', 'PORT', 'HOST', 'PUBLIC_URL', 'NODE_ENV', 'LOG_LEVEL', 'SMTP_URL', 'NODE_OPTIONS'].includes(key)) continue;
    env[key] = value;
  }
  return { ...env, ...overrides };
}
