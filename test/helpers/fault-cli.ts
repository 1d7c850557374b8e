/**
 * Runs the real `vebi` CLI as a child process for fault injection: a hard timeout (the child is
 * killed and the run marked timedOut: a hang is a failure, never a wait), its peak resident memory
 * (VmHWM from /proc, polled), and signals sent at a chosen moment: when stderr shows a line, when
 * the output's hidden `.partial-` sibling appears (the write has started), or after a delay.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '../..');
export const CLI_ENTRY = path.join(REPO, 'src/cli/index.ts');
/** Absolute: tsx is resolved from the repository, whatever the child's working folder. */
export const TSX_LOADER = path.join(REPO, 'node_modules/tsx/dist/loader.mjs');

export type Trigger =
  | { when: 'stderr'; pattern: RegExp }
  | { when: 'sibling'; out: string; kind?: 'partial' | 'old' }
  | { when: 'delay'; ms: number };

export interface Interrupt {
  trigger: Trigger;
  /** Sent in order, `gapMs` apart (two SIGINTs: the second must quit at once). */
  signals: NodeJS.Signals[];
  gapMs?: number;
  /** Extra wait after the trigger fires, before the first signal. */
  delayMs?: number;
}

export interface RunOptions {
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
  uid?: number;
  gid?: number;
  interrupt?: Interrupt;
}

export interface VebiRun {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
  /** Peak resident set of the child in KiB (VmHWM), 0 when it could not be read. */
  peakRssKb: number;
  /** Milliseconds after start when the interrupt fired, undefined when it never did. */
  interruptedAtMs?: number;
  pid?: number;
}

function readPeakRss(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Node's own test-runner variables must not reach the child. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_OPTIONS;
  delete env.VEBI_DEBUG;
  return { ...env, ...extra };
}

export function runVebi(options: RunOptions): Promise<VebiRun> {
  return runNode([TSX_LOADER_ARG, TSX_LOADER, CLI_ENTRY, ...options.args], options);
}

const TSX_LOADER_ARG = '--import';

/** Runs `node <nodeArgs>` under the same supervision (used by the helpers' self-tests too). */
export function runNode(nodeArgs: string[], options: Omit<RunOptions, 'args'> & { args?: string[] }): Promise<VebiRun> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
    });
    const run: VebiRun = { args: options.args ?? nodeArgs, code: null, signal: null, stdout: '', stderr: '', timedOut: false, ms: 0, peakRssKb: 0, pid: child.pid };
    const timers: NodeJS.Timeout[] = [];
    let fired = false;
    let exited = false;
    const sample = () => {
      if (child.pid === undefined || exited) return;
      const kb = readPeakRss(child.pid);
      if (kb !== undefined) run.peakRssKb = Math.max(run.peakRssKb, kb);
    };
    const rss = setInterval(sample, 20);
    const fire = () => {
      if (fired || !options.interrupt) return;
      fired = true;
      run.interruptedAtMs = Date.now() - started;
      const { signals, gapMs = 30, delayMs = 0 } = options.interrupt;
      signals.forEach((signal, i) => {
        timers.push(
          setTimeout(() => {
            if (!exited) child.kill(signal);
          }, delayMs + i * gapMs),
        );
      });
    };
    const trigger = options.interrupt?.trigger;
    if (trigger?.when === 'delay') timers.push(setTimeout(fire, trigger.ms));
    let poll: NodeJS.Timeout | undefined;
    if (trigger?.when === 'sibling') {
      const parent = path.dirname(trigger.out);
      const prefix = `.${path.basename(trigger.out)}.${trigger.kind ?? 'partial'}-`;
      poll = setInterval(() => {
        try {
          if (readdirSync(parent).some((name) => name.startsWith(prefix))) fire();
        } catch {
          // the parent may not exist yet
        }
      }, 4);
    }
    child.stdout.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      run.stderr += chunk.toString();
      if (trigger?.when === 'stderr' && trigger.pattern.test(run.stderr)) fire();
    });
    const killer = setTimeout(() => {
      run.timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', () => {
      sample();
      exited = true;
    });
    child.on('error', (error) => {
      clearInterval(rss);
      clearTimeout(killer);
      if (poll) clearInterval(poll);
      timers.forEach(clearTimeout);
      reject(error);
    });
    child.on('close', (code, signal) => {
      exited = true;
      clearInterval(rss);
      clearTimeout(killer);
      if (poll) clearInterval(poll);
      timers.forEach(clearTimeout);
      run.code = code;
      run.signal = signal;
      run.ms = Date.now() - started;
      resolve(run);
    });
  });
}

/** One line describing a run, for assertion messages. */
export function describeRun(run: VebiRun): string {
  const how = run.timedOut ? 'TIMED OUT (killed)' : run.signal ? `killed by ${run.signal}` : `exit ${run.code}`;
  return `${how} after ${run.ms} ms, peak RSS ${(run.peakRssKb / 1024).toFixed(0)} MiB; vebi ${run.args.join(' ')}\n--- stderr ---\n${run.stderr.slice(0, 1500)}\n--- stdout ---\n${run.stdout.slice(0, 400)}`;
}
