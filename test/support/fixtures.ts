// Small builders for the configuration most routing tests need.
import assert from 'node:assert/strict';
import type { HttpClient } from './http';

export async function putReps(http: HttpClient, ids: readonly string[], status = 'available') {
  for (const id of ids) {
    const response = await http.put(`/v1/users/${id}`, { name: id, email: `${id}@example.test`, status });
    assert.ok(response.status === 200 || response.status === 201, JSON.stringify(response.body));
  }
}

export async function createRule(http: HttpClient, rule: Record<string, unknown>): Promise<{ id: string }> {
  const response = await http.post('/v1/rules', { name: 'rule', ...rule });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body;
}

/** Polls `probe` until it returns something other than undefined; fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until `repId` holds a live offer for `routingId`, as the rep would see it. */
export function offerFor(http: HttpClient, repId: string, routingId: string) {
  return eventually(async () => {
    const { body } = await http.get(`/v1/reps/${repId}/offers`);
    return body.offers.find((offer: { routingId: string }) => offer.routingId === routingId);
  });
}

let sequence = 0;
/** A routing id unique within the suite run (workflow ids are shared across test files on one server). */
export const uniqueRoutingId = (label: string) => `${label}-${process.pid}-${Date.now()}-${++sequence}`;
