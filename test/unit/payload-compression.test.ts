import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { LargePayloadCompression } from '../../runtime/payload-compression';

describe('large payload compression', () => {
  const codec = new LargePayloadCompression();
  const offers = Array.from({ length: 10_000 }, (_, i) => ({
    repId: `rep-${i}`,
    result: 'pending',
    stage: 'route_to',
  }));

  it('gzips a payload of 64 KB or more and restores it exactly', async () => {
    const payload = defaultPayloadConverter.toPayload({ offers });
    const [encoded] = await codec.encode([payload]);
    assert.ok(encoded?.data && payload.data);
    assert.equal(new TextDecoder().decode(encoded.metadata?.encoding), 'binary/gzip');
    assert.ok(encoded.data.length * 10 < payload.data.length, `${encoded.data.length} of ${payload.data.length}`);
    const [decoded] = await codec.decode([encoded]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded as typeof payload), { offers });
  });

  it('leaves small payloads as they are, readable in the Web UI and recorded histories', async () => {
    const payload = defaultPayloadConverter.toPayload({ routingId: 'r1' });
    assert.deepEqual(await codec.encode([payload]), [payload]);
    assert.deepEqual(await codec.decode([payload]), [payload]);
  });
});
