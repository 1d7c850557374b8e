#!/usr/bin/env node
/**
 * Entry of the `vebi` binary. Ctrl-C, SIGTERM and SIGHUP cancel the run cleanly (nothing written,
 * a previous result left intact); a second one exits at once, and the exit hook of the atomic
 * folder writer still removes the partial folder and puts a previous result back.
 */
import { main } from './main';
import { EXIT } from './exit-codes';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(EXIT.cancelled);
    process.stderr.write(`\nvebi: cancelling (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit at once)...\n`);
    controller.abort();
  });
}

main(process.argv.slice(2), controller.signal).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`vebi: internal error: ${String(error)}\n`);
    process.exit(EXIT.internal);
  },
);
