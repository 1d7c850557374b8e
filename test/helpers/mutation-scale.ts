/**
 * Under `npm run test:mutation` (which sets VEBI_MUTATION=1) every expression of the mutated
 * code is wrapped in Stryker's switches and coverage counters: numeric loops run tens of times
 * slower. Scale tests then shrink their problems so an area runs in minutes: the same code paths
 * and checks, fewer items.
 */
export const UNDER_MUTATION = process.env.VEBI_MUTATION === '1';

export function scaled(full: number, underMutation: number): number {
  return UNDER_MUTATION ? underMutation : full;
}
