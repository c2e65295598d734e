// The key connection secrets are encrypted with at rest: CONNECTIONS_ENCRYPTION_KEY, or (local mode) generated once
// into the data directory, readable by the owner only, as the API keys are (api/api-keys.ts). Every process that
// reads or writes connection secrets (API, worker) must use the same key: set it explicitly when they run on
// different machines.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { newEncryptionKey, parseEncryptionKey, SecretBox } from '../store/secret-box';

export const CONNECTIONS_KEY_FILE = 'connections-key';

export function connectionSecretBox(config: { CONNECTIONS_ENCRYPTION_KEY?: string | undefined; dataDir: string }) {
  if (config.CONNECTIONS_ENCRYPTION_KEY) return new SecretBox(parseEncryptionKey(config.CONNECTIONS_ENCRYPTION_KEY));
  const file = path.join(config.dataDir, CONNECTIONS_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true }); // a process on PostgreSQL may have no data directory yet
    try {
      writeFileSync(file, `${newEncryptionKey()}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process of this service (API or worker) created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(file, 0o600);
  return new SecretBox(parseEncryptionKey(readFileSync(file, 'utf8')));
}
