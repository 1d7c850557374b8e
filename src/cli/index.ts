#!/usr/bin/env node
/** Entry of the `vebi` binary: wires Ctrl-C to cancellation (a second Ctrl-C exits at once). */
import { main } from './main';
import { EXIT } from './exit-codes';

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(EXIT.cancelled);
  process.stderr.write('\nvebi: cancelling (Ctrl-C again to quit at once)...\n');
  controller.abort();
});

main(process.argv.slice(2), controller.signal).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`vebi: internal error: ${String(error)}\n`);
    process.exit(EXIT.internal);
  },
);
