/**
 * Notices a panel whose page never loads, and has it rebuilt. In VS Code for the Web (code-server)
 * every webview shares one origin and one service-worker scope; when several load at once, one can
 * wait forever for its worker (its content frame is never made) and stays blank, even when its tab
 * is clicked. A page that loads says 'ready'; one shown without saying it within `loadTimeoutMs` is
 * pinged (a page kept alive while hidden answers 'alive'), and one that does not answer either is
 * rebuilt, at most `maxRebuilds` times in a row. Pure: no vscode import, unit-tested with timers.
 */
export interface LoadWatchdogOptions {
  loadTimeoutMs: number;
  answerTimeoutMs: number;
  maxRebuilds: number;
  isVisible: () => boolean;
  ping: () => void;
  rebuild: () => void;
}

export class LoadWatchdog {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private rebuilds = 0;

  constructor(private readonly options: LoadWatchdogOptions) {}

  /** The panel was created or came back into view: its page is (re)loading. */
  shown(): void {
    this.wait(this.options.loadTimeoutMs, () => {
      this.options.ping();
      this.wait(this.options.answerTimeoutMs, () => {
        if (this.rebuilds >= this.options.maxRebuilds) return; // give up: the user can still close and reopen it
        this.rebuilds++;
        this.options.rebuild();
      });
    });
  }

  /** The page said 'ready' (it loaded) or 'alive' (it was already there). */
  loaded(): void {
    this.rebuilds = 0;
    this.stop();
  }

  hidden(): void {
    this.stop();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private wait(ms: number, then: () => void): void {
    this.stop();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.options.isVisible()) then();
    }, ms);
  }
}
