/**
 * Bounded FIFO on a fixed ring buffer: the one queue shape every runtime component uses.
 *
 * Guarantees: `push` never grows memory past `capacity` slots, allocated once; it throws
 * MailboxFullError (or `tryPush` returns false) instead of growing. Items come out in insertion
 * order. The mailbox holds a reference to an item only while it is queued: `shift`, `remove` and
 * `drain` clear the slot so a dequeued item can be collected. Items are owned by the caller; the
 * mailbox never copies or inspects them.
 */
import { MailboxFullError } from '../errors.ts';

export class Mailbox<T> {
  readonly capacity: number;
  readonly #name: string;
  readonly #slots: (T | undefined)[];
  #head = 0;
  #size = 0;

  constructor(capacity: number, name = 'mailbox') {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('Mailbox capacity must be a non-negative integer.');
    this.capacity = capacity;
    this.#name = name;
    this.#slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  get size(): number { return this.#size; }
  get isFull(): boolean { return this.#size >= this.capacity; }

  push(item: T): void {
    if (!this.tryPush(item)) throw new MailboxFullError(this.#name);
  }

  /** For owners that refuse with their own error type (QueueFullError in pools and batchers). */
  tryPush(item: T): boolean {
    if (this.#size >= this.capacity) return false;
    this.#slots[(this.#head + this.#size) % this.capacity] = item;
    this.#size++;
    return true;
  }

  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#slots[this.#head];
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.capacity;
    this.#size--;
    return item;
  }

  /** Puts an item back at the head (a retry keeps its place in line); refuses when full. */
  tryUnshift(item: T): boolean {
    if (this.#size >= this.capacity) return false;
    this.#head = (this.#head - 1 + this.capacity) % this.capacity;
    this.#slots[this.#head] = item;
    this.#size++;
    return true;
  }

  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#slots[this.#head];
  }

  /**
   * Removes one queued item (cancellation, a deadline passing while queued). O(size): cancellation
   * is the rare path, and keeping the ring dense means the bound always counts live items only.
   */
  remove(item: T): boolean {
    for (let i = 0; i < this.#size; i++) {
      const at = (this.#head + i) % this.capacity;
      if (this.#slots[at] !== item) continue;
      for (let j = i; j < this.#size - 1; j++) {
        this.#slots[(this.#head + j) % this.capacity] = this.#slots[(this.#head + j + 1) % this.capacity];
      }
      this.#slots[(this.#head + this.#size - 1) % this.capacity] = undefined;
      this.#size--;
      return true;
    }
    return false;
  }

  /** Empties the mailbox, returning what was queued in order (for destroy paths). */
  drain(): T[] {
    const out: T[] = [];
    while (this.#size > 0) out.push(this.shift() as T);
    return out;
  }
}
