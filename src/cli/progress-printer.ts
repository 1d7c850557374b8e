/** Progress on stderr: one rewritten line on a terminal, a line every few seconds otherwise. */
import { STAGE_TITLES } from '../shared/progress';
import type { ProgressEvent } from '../shared/progress';

const LOG_INTERVAL_MS = 5000;

export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): { onProgress: (event: ProgressEvent) => void; done: () => void } {
  const tty = stream.isTTY === true;
  let lastStage = '';
  let lastLog = 0;
  let open = false;
  return {
    onProgress(event) {
      const line = formatProgress(event);
      const now = Date.now();
      if (tty) {
        stream.write(`\r\x1b[2K${line}`);
        open = true;
        return;
      }
      if (event.stage !== lastStage || event.done === event.total || now - lastLog >= LOG_INTERVAL_MS) {
        stream.write(`${line}\n`);
        lastStage = event.stage;
        lastLog = now;
      }
    },
    done() {
      if (tty && open) stream.write('\n');
      open = false;
    },
  };
}

export function formatProgress(event: ProgressEvent): string {
  const parts = [`${STAGE_TITLES[event.stage]}: ${event.done}/${event.total} ${event.unit}`];
  if (event.rate !== undefined && event.rate > 0) parts.push(`${event.rate.toFixed(event.rate < 10 ? 1 : 0)} ${event.unit}/s`);
  if (event.etaSeconds !== undefined && Number.isFinite(event.etaSeconds) && event.done < event.total) parts.push(`ETA ${formatSeconds(event.etaSeconds)}`);
  if (event.message) parts.push(event.message);
  return parts.join(', ');
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.ceil(seconds - minutes * 60)).padStart(2, '0')}s`;
}
