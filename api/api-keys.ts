// The admin and experience keys: from the environment, or (local mode) generated once and kept in the data directory.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ApiKeys } from './auth';

const storedKeysSchema = z.object({ adminKey: z.string().min(16), experienceKey: z.string().min(16) });

const newKey = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;

export interface ResolvedKeys extends ApiKeys {
  /** Where generated keys are kept, when they were not given in the environment. */
  storedIn?: string;
  /** True only on the start that generated them: the one time they are printed. */
  generated?: boolean;
}

/**
 * Keys given in the environment win. Any key not given is read from `<dataDir>/api-keys.json`, which is created
 * on first start with owner-only permissions, so a laptop install is secure without any setup.
 */
export function resolveApiKeys(
  environment: { ADMIN_API_KEY?: string | undefined; EXPERIENCE_API_KEY?: string | undefined },
  dataDir: string,
): ResolvedKeys {
  if (environment.ADMIN_API_KEY && environment.EXPERIENCE_API_KEY) {
    return { adminKey: environment.ADMIN_API_KEY, experienceKey: environment.EXPERIENCE_API_KEY };
  }
  const file = path.join(dataDir, 'api-keys.json');
  let stored: ApiKeys;
  const generated = !existsSync(file);
  if (generated) {
    stored = { adminKey: newKey('admin'), experienceKey: newKey('exp') };
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } else {
    stored = storedKeysSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  }
  chmodSync(file, 0o600); // also tightens a file someone loosened by hand
  return {
    adminKey: environment.ADMIN_API_KEY || stored.adminKey,
    experienceKey: environment.EXPERIENCE_API_KEY || stored.experienceKey,
    storedIn: file,
    generated,
  };
}
