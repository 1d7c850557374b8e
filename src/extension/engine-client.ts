/**
 * Starts the engine in its own Node process and runs jobs on it. Cancelling asks the engine to
 * stop and kills it if it has not within a grace period; a crash (out of memory, killed) rejects
 * the running jobs with ENGINE_CRASHED and the next job starts a fresh process.
 * No vscode import: the extension wires it to VS Code, the tests drive it directly.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { VebiError, cancelledError, fromPlainError } from '../shared/errors';
import { isEngineEvent } from '../shared/engine-protocol';
import type { EngineEvent, EngineRequest, EngineResult, EvaluateJob, ExplainJob, ExportJob, FlowersJob, InspectJob, InterpretJob } from '../shared/engine-protocol';
import type { ProgressListener } from '../shared/progress';

export interface EngineClientOptions {
  /** The engine entry: dist/engine-worker.js (or the .ts source with execArgv ['--import', 'tsx']). */
  workerPath: string;
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  /** How long a cancelled job may take to stop by itself before the process is killed. */
  cancelGraceMs?: number;
}

export type EngineJob = { type: 'inspect'; job: InspectJob } | { type: 'flowers'; job: FlowersJob } | { type: 'interpret'; job: InterpretJob } | { type: 'explain'; job: ExplainJob } | { type: 'evaluate'; job: EvaluateJob } | { type: 'export'; job: ExportJob };

export interface EngineOutcome {
  result: EngineResult;
  peakRssMB: number;
}

interface Pending {
  /** The process running the job: only its exit or failure fails the job. */
  child: ChildProcess;
  resolve: (outcome: EngineOutcome) => void;
  reject: (error: Error) => void;
  onProgress?: ProgressListener;
  onWarning?: (message: string) => void;
  /** A cancel was sent: if the process then dies (killed for another cancelled job), this job was cancelled, not crashed. */
  cancelled?: boolean;
}

export class EngineClient {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly options: EngineClientOptions) {}

  /** Pid of the engine process, when one runs (for memory figures and tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  run(job: EngineJob, hooks: { onProgress?: ProgressListener; onWarning?: (message: string) => void; signal?: AbortSignal } = {}): Promise<EngineOutcome> {
    if (hooks.signal?.aborted) return Promise.reject(cancelledError());
    const child = this.ensureProcess();
    // Stryker disable next-line UpdateOperator: ids only need to be distinct within this client, and counting down keeps them distinct
    const id = this.nextId++;
    return new Promise<EngineOutcome>((resolve, reject) => {
      let killTimer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        const pending = this.pending.get(id);
        if (pending) pending.cancelled = true;
        this.send(child, { type: 'cancel', id });
        // settle() clears this timer as soon as the job leaves `pending`, so when it fires the job is still running.
        killTimer = setTimeout(() => {
          this.pending.delete(id);
          reject(cancelledError());
          this.kill(child); // the engine did not stop in time: stop it for real
        }, this.options.cancelGraceMs ?? 3000);
      };
      const settle = () => {
        hooks.signal?.removeEventListener('abort', onAbort);
        clearTimeout(killTimer);
      };
      this.pending.set(id, {
        child,
        resolve: (outcome) => {
          settle();
          resolve(outcome);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
        onProgress: hooks.onProgress,
        onWarning: hooks.onWarning,
      });
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal fires 'abort' only once, and settle() removes the listener anyway
      hooks.signal?.addEventListener('abort', onAbort, { once: true });
      this.send(child, { ...job, id } as EngineRequest);
    });
  }

  dispose(): void {
    if (this.child) this.kill(this.child);
  }

  private ensureProcess(): ChildProcess {
    const current = this.child;
    const usable =
      current !== undefined &&
      current.exitCode === null && // a process that failed to start has an exit code (< 0) but emits 'error', not 'exit'
      // Stryker disable next-line ConditionalExpression: a process killed by a signal has already emitted 'exit', which dropped it from this.child
      current.signalCode === null &&
      current.connected;
    if (usable) return current;
    const child = fork(this.options.workerPath, [], {
      execArgv: this.options.execArgv ?? [],
      env: this.options.env ?? process.env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    // Stryker disable next-line StringLiteral: the start value is only searched for out-of-memory messages, and Stryker's replacement holds none
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('message', (message: unknown) => {
      if (isEngineEvent(message)) this.onEvent(message);
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      const reason = signal ? `signal ${signal}` : `exit code ${code}`;
      const memory = /heap out of memory|Allocation failed|Out of memory/i.test(stderr) ? ' It ran out of memory: lower vebi.batchSize or use fewer images.' : '';
      this.failAll(child, new VebiError('ENGINE_CRASHED', `The VEBI engine process stopped unexpectedly (${reason}).${memory} The next run starts a new one.`));
    });
    child.on('error', (error) => this.failAll(child, new VebiError('ENGINE_CRASHED', `The VEBI engine process could not run: ${error.message}`)));
    this.child = child;
    return child;
  }

  private onEvent(event: EngineEvent): void {
    if (event.type === 'ready') return;
    const pending = this.pending.get(event.id);
    if (!pending) return;
    if (event.type === 'progress') {
      pending.onProgress?.(event.event);
      return;
    }
    if (event.type === 'warning') {
      pending.onWarning?.(event.message);
      return;
    }
    this.pending.delete(event.id);
    if (event.type === 'done') pending.resolve({ result: event.result, peakRssMB: event.peakRssMB });
    else pending.reject(fromPlainError(event.error));
  }

  /** Fails the jobs of `child` (not those of a newer process started after it was killed). */
  private failAll(child: ChildProcess, error: VebiError): void {
    for (const [id, pending] of this.pending) {
      if (pending.child !== child) continue;
      this.pending.delete(id);
      pending.reject(pending.cancelled ? cancelledError() : error);
    }
  }

  private send(child: ChildProcess, request: EngineRequest): void {
    if (child.connected) child.send(request);
  }

  private kill(child: ChildProcess): void {
    if (this.child === child) this.child = undefined;
    child.kill('SIGKILL');
  }
}
