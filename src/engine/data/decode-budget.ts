/**
 * Bounds the memory of the decodes in flight by what they decode, not by how many there are:
 * eight 28 x 28 digits and eight 100-megapixel photos are not the same load. Each decode reserves
 * an estimate of its peak memory (its file's bytes plus its source pixels, decoded) once its header
 * is read, and waits while the reservations in flight would exceed the capacity.
 * - One decode always runs alone, even when it is larger than the capacity: slow, never stuck.
 * - First come, first served: a large reservation is not starved by a stream of small ones.
 * - A decode reserves once and holds nothing else of the budget while it waits (no hold-and-wait,
 *   so no deadlock), and releases when it ends, failed or not.
 */
import { VebiError, cancelledError } from '../../shared/errors';

/** Decoded bytes per source pixel: libvips holds a whole frame (up to RGBA, 8-bit) when it cannot stream. */
export const DECODE_BYTES_PER_PIXEL = 4;

/** 128 megapixels' worth: one 100-megapixel image at a time, hundreds of dataset-sized ones. */
export const DEFAULT_DECODE_BUDGET = 128_000_000 * DECODE_BYTES_PER_PIXEL;

/** The estimate a decode reserves: the file held in memory plus its decoded source frame. */
export function decodeCost(fileBytes: number, sourcePixels: number): number {
  return fileBytes + sourcePixels * DECODE_BYTES_PER_PIXEL;
}

export type Release = () => void;

interface Waiter {
  amount: number;
  grant: () => void;
}

export class DecodeBudget {
  private reserved = 0;
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly capacity: number = DEFAULT_DECODE_BUDGET) {
    if (!(capacity > 0)) throw new VebiError('BAD_ARGUMENT', `The decode budget must be a positive number of bytes, got ${capacity}.`);
  }

  /** Bytes reserved and decodes running now (tests check the invariants with these). */
  get usage(): { reserved: number; running: number } {
    return { reserved: this.reserved, running: this.running };
  }

  /** Resolves when `amount` fits (or nothing else runs); call the returned release exactly once. */
  reserve(amount: number, signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(cancelledError());
    // Granted at once when nobody waits: no abort listener (EventTarget calls cost more than a small decode).
    if (this.waiting.length === 0 && this.fits(Math.max(1, amount))) return Promise.resolve(this.take(Math.max(1, amount)));
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        amount: Math.max(1, amount),
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.take(waiter.amount));
        },
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(waiter);
        if (i < 0) return;
        this.waiting.splice(i, 1);
        reject(cancelledError());
        this.pump(); // the next waiter may fit now that this one left the head of the queue
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
      this.pump();
    });
  }

  private take(amount: number): Release {
    this.reserved += amount;
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.reserved -= amount;
      this.running--;
      this.pump();
    };
  }

  private fits(amount: number): boolean {
    return this.running === 0 || this.reserved + amount <= this.capacity;
  }

  private pump(): void {
    while (this.waiting.length > 0) {
      const head = this.waiting[0];
      if (!this.fits(head.amount)) return;
      this.waiting.shift();
      head.grant();
    }
  }
}
