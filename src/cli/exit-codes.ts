/** Exit codes of the `vebi` command (documented in docs/cli.md). */
import type { VebiErrorCode } from '../shared/errors';

export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  input: 3,
  backend: 4,
  cancelled: 130,
} as const;

export function exitCodeFor(code: VebiErrorCode): number {
  switch (code) {
    case 'BAD_ARGUMENT':
    case 'OUTPUT_REFUSED':
      return EXIT.usage;
    case 'BACKEND_UNAVAILABLE':
      return EXIT.backend;
    case 'CANCELLED':
      return EXIT.cancelled;
    case 'INTERNAL':
    case 'ENGINE_CRASHED':
      return EXIT.internal;
    default:
      return EXIT.input;
  }
}
