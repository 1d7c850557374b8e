/**
 * Errors that survive a process, worker or webview boundary: a stable code, a message that says
 * what is wrong and what to do, and the offending path when there is one.
 */
export type VebiErrorCode =
  | 'BAD_ARGUMENT'
  | 'MODEL_NOT_FOUND'
  | 'MODEL_CORRUPT'
  | 'MODEL_UNSUPPORTED'
  | 'LAYER_UNSUPPORTED'
  | 'WEIGHTS_MISSING'
  | 'WEIGHTS_SHORT'
  | 'WEIGHTS_PATH_ESCAPES'
  | 'DATA_NOT_FOUND'
  | 'DATA_NO_CLASSES'
  | 'DATA_EMPTY_CLASS'
  | 'CLASS_COUNT_MISMATCH'
  | 'IMAGE_UNREADABLE'
  | 'IMAGE_TOO_LARGE'
  | 'MODEL_TOO_LARGE'
  | 'FILE_TOO_LARGE'
  | 'NOT_A_REGULAR_FILE'
  | 'NON_FINITE'
  | 'OUTPUT_REFUSED'
  | 'OUTPUT_UNWRITABLE'
  | 'DISK_FULL'
  | 'REPORT_NOT_FOUND'
  | 'REPORT_INVALID'
  | 'SIDECAR_INVALID'
  | 'BACKEND_UNAVAILABLE'
  | 'CANCELLED'
  | 'ENGINE_CRASHED'
  | 'INTERNAL';

export interface PlainError {
  name: 'VebiError';
  code: VebiErrorCode;
  message: string;
  path?: string;
}

export class VebiError extends Error {
  override readonly name = 'VebiError' as const;
  constructor(
    readonly code: VebiErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }

  toPlain(): PlainError {
    return { name: this.name, code: this.code, message: this.message, ...(this.path ? { path: this.path } : {}) };
  }
}

/** Matches by name as well as instanceof: errors cross realms (worker, child process, webview). */
export function isVebiError(value: unknown): value is VebiError | PlainError {
  return typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'VebiError';
}

export function toPlainError(value: unknown): PlainError {
  if (value instanceof VebiError) return value.toPlain();
  if (isVebiError(value)) return { name: 'VebiError', code: value.code, message: value.message, path: value.path };
  if (value instanceof Error && value.name === 'AbortError') return { name: 'VebiError', code: 'CANCELLED', message: 'The run was cancelled.' };
  const message = value instanceof Error ? value.message : String(value);
  return { name: 'VebiError', code: 'INTERNAL', message: `Internal error: ${message}` };
}

export function fromPlainError(plain: PlainError): VebiError {
  return new VebiError(plain.code, plain.message, plain.path);
}

export function cancelledError(): VebiError {
  return new VebiError('CANCELLED', 'The run was cancelled; nothing was written.');
}
