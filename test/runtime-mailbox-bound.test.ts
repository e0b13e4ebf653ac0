import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MailboxFullError } from '../src/errors.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { Mailbox } from '../src/runtime/mailbox.ts';
import { Actor } from '../src/runtime/actor.ts';

test('a full mailbox refuses with MailboxFullError and keeps FIFO order across wrap-around', () => {
  const box = new Mailbox<number>(3, 'triage');
  box.push(1); box.push(2); box.push(3);
  assert.equal(box.size, 3);
  assert.throws(() => box.push(4), (e: unknown) => e instanceof MailboxFullError && e.code === 'MAILBOX_FULL');
  assert.equal(box.tryPush(4), false);
  assert.equal(box.shift(), 1);
  box.push(4); // wraps around the ring
  assert.equal(box.remove(3), true);
  box.push(5);
  assert.deepEqual(box.drain(), [2, 4, 5]);
  assert.equal(box.size, 0);
  assert.equal(box.shift(), undefined);
  assert.equal(box.capacity, 3);
});

test('an actor refuses with MailboxFullError when its mailbox is full', async () => {
  const actor = new Actor<number, number>('tiny', async (n) => { await sleep(20); return n; }, { mailbox: 2, concurrency: 1 });
  const accepted = [actor.ask(1), actor.ask(2), actor.ask(3)]; // one running, two waiting
  await assert.rejects(actor.ask(4), MailboxFullError);
  assert.deepEqual(await Promise.all(accepted), [1, 2, 3]);
  assert.equal(actor.stats().refused, 1);
  await actor.close(1000);
});
