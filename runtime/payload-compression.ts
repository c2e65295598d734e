// Temporal refuses any payload over 2 MB (and warns from 512 KB). A routing offering thousands of reps carries every
// offer in its state, which is its query answer and its result, and in its writes: 10,000 offers are about 2.5 MB of
// JSON. Such payloads are gzipped (about 20 times smaller); payloads under 64 KB, nearly all of them, go unchanged,
// so they stay readable in the Web UI and in recorded histories. Every client and worker uses `dataConverter`.
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Payloads from this size up are compressed. */
const COMPRESS_FROM_BYTES = 64 * 1024;
const GZIP_ENCODING = 'binary/gzip';
/** The compressed payload's original `encoding` (e.g. `json/plain`), restored on decoding. */
const ORIGINAL_ENCODING = 'gzip-original-encoding';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class LargePayloadCompression implements PayloadCodec {
  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (payload): Promise<Payload> => {
        if (!payload.data || payload.data.length < COMPRESS_FROM_BYTES) return payload;
        const { encoding, ...metadata } = payload.metadata ?? {};
        return {
          metadata: {
            ...metadata,
            encoding: encoder.encode(GZIP_ENCODING),
            ...(encoding && { [ORIGINAL_ENCODING]: encoding }),
          },
          data: await gzipAsync(payload.data),
        };
      }),
    );
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(
      payloads.map(async (payload): Promise<Payload> => {
        const encoding = payload.metadata?.encoding;
        if (!encoding || decoder.decode(encoding) !== GZIP_ENCODING || !payload.data) return payload;
        const { [ORIGINAL_ENCODING]: original, encoding: _gzip, ...metadata } = payload.metadata ?? {};
        return {
          metadata: { ...metadata, ...(original && { encoding: original }) },
          data: await gunzipAsync(payload.data),
        };
      }),
    );
  }
}

/** The data converter of every Temporal client and worker of the service. */
export const dataConverter: DataConverter = { payloadCodecs: [new LargePayloadCompression()] };
