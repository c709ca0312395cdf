// Runs a child process and measures it: wall time, peak resident set size, exit status. A child that
// runs past its time limit is killed with its whole process group, so nothing keeps running behind.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface ChildRun {
  seconds: number;
  /** Peak RSS in MB, from /usr/bin/time or, without it, the last VmHWM read from /proc; null when neither works. */
  peakMb: number | null;
  /** User + system CPU seconds (all threads), from /usr/bin/time; null without it. On a busy machine the steadier figure. */
  cpuSeconds: number | null;
  status: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

const TIME = '/usr/bin/time';
const PEAK_TAG = 'bench-peak-kb';

/** How peak RSS is measured on this machine, for the report's header. */
export function peakMethod(): string {
  if (existsSync(TIME)) return `${TIME} -f %M`;
  if (existsSync('/proc/self/status')) return 'VmHWM polled from /proc every 20 ms';
  return 'not measured (neither /usr/bin/time nor /proc)';
}

function vmHwmKb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export function runChild(cmd: string, args: string[], opts: { timeoutSec: number; cwd?: string; env?: NodeJS.ProcessEnv }): Promise<ChildRun> {
  const useTime = existsSync(TIME);
  const [file, argv] = useTime ? [TIME, ['-f', `${PEAK_TAG} %M %U %S`, cmd, ...args]] : [cmd, args];
  return new Promise((resolvePromise) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    let polledKb: number | null = null;
    const poll = useTime ? null : setInterval(() => (polledKb = vmHwmKb(child.pid!) ?? polledKb), 20);
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, opts.timeoutSec * 1000);
    let finished = false;
    const finish = (status: number | null) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      let stderr = Buffer.concat(err).toString('utf8');
      let peakKb = polledKb;
      let cpuSeconds: number | null = null;
      if (useTime) {
        const m = new RegExp(`${PEAK_TAG} (\\d+) ([\\d.]+) ([\\d.]+)`).exec(stderr);
        peakKb = m ? Number(m[1]) : null;
        cpuSeconds = m ? Number(m[2]) + Number(m[3]) : null;
        stderr = stderr
          .split('\n')
          .filter((l) => !l.startsWith(PEAK_TAG) && !l.startsWith('Command exited with non-zero status'))
          .join('\n');
      }
      resolvePromise({ seconds, peakMb: peakKb === null ? null : peakKb / 1024, cpuSeconds, status, timedOut, stdout: Buffer.concat(out).toString('utf8'), stderr });
    };
    child.on('error', (e) => {
      err.push(Buffer.from(String(e.message)));
      finish(null);
    });
    child.on('close', (code) => finish(code));
  });
}
