// `npm run temporal:setup`: prepares the Temporal namespace the service runs in, on whatever cluster the SDK's
// environment configuration names (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, or a
// profile): the local cluster, one you already run, or Temporal Cloud. Safe to run again at any time.
import { Connection } from '@temporalio/client';
import { z } from 'zod';
import { prepareNamespace } from '../runtime/prepare-namespace';
import { temporalTargetFromEnvironment } from '../runtime/temporal';

async function main() {
  const target = temporalTargetFromEnvironment(process.env.TEMPORAL_NAMESPACE ?? 'default');
  const retention = z.coerce.number().int().min(1).default(7).safeParse(process.env.TEMPORAL_RETENTION_DAYS);
  if (!retention.success) throw new Error('TEMPORAL_RETENTION_DAYS: must be a whole number of days, at least 1');
  const retentionDays = retention.data;
  const connection = await Connection.connect(target.connection as Parameters<typeof Connection.connect>[0]);
  try {
    console.log(`preparing namespace ${target.namespace} at ${target.connection.address}`);
    await prepareNamespace(connection, target.namespace, { retentionDays, log: (line) => console.log(`  ${line}`) });
    console.log('ready');
  } finally {
    await connection.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
