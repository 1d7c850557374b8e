/** Flag parsing shared by the commands: strict flags, and values checked with a message naming the flag. */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { VebiError } from '../shared/errors';
import type { BackendChoice } from '../shared/params';

export const BACKENDS: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

/** --flags only (no positionals); an unknown or malformed flag is a BAD_ARGUMENT. */
export function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true as const, allowPositionals: false as const }).values;
  } catch (error) {
    throw new VebiError('BAD_ARGUMENT', (error as Error).message);
  }
}

export function required(value: unknown, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new VebiError('BAD_ARGUMENT', `Missing --${flag}.`);
  return value;
}

export function number(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(parsed)) throw new VebiError('BAD_ARGUMENT', `--${flag} needs a number (got "${String(value)}").`);
  return parsed;
}

export function integer(value: unknown, flag: string): number | undefined {
  const parsed = number(value, flag);
  if (parsed !== undefined && !Number.isInteger(parsed)) throw new VebiError('BAD_ARGUMENT', `--${flag} needs an integer (got "${String(value)}").`);
  return parsed;
}

export function oneOf<T extends string>(value: unknown, flag: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new VebiError('BAD_ARGUMENT', `--${flag} must be one of ${allowed.join(', ')} (got "${String(value)}").`);
  return value as T;
}

/** "a, b,c" -> ['a', 'b', 'c']. */
export function list(value: unknown): string[] | undefined {
  return value === undefined ? undefined : String(value).split(',').map((s) => s.trim()).filter(Boolean);
}
