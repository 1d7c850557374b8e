/**
 * Bridges VS Code's cancellable progress to the engine's AbortSignal, and engine progress events
 * to the notification (stage, counts, ETA, overall increment). All cancellation glue lives here.
 */
import * as vscode from 'vscode';
import type { ProgressEvent } from '../shared/progress';
import { describeProgress, overallPercent } from './progress-text';

/**
 * Runs `task` under a cancellable notification. `extraSignal` lets another control (the panel's
 * Cancel button) cancel the same run.
 */
export function withCancellableProgress<T>(
  title: string,
  task: (signal: AbortSignal, report: (event: ProgressEvent) => void) => Promise<T>,
  extraSignal?: AbortSignal,
): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    extraSignal?.addEventListener('abort', () => controller.abort(), { once: true });
    let shown = 0;
    return task(controller.signal, (event) => {
      const percent = overallPercent(event);
      progress.report({ message: describeProgress(event), increment: Math.max(0, percent - shown) });
      shown = Math.max(shown, percent);
    });
  });
}
