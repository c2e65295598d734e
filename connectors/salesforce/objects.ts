// What the sync reads of each Salesforce object, and how a row of the REST API's query answer becomes a record of
// domain/salesforce-records.ts. Deleted records come through `queryAll` with `IsDeleted = true` (User, which is
// deactivated rather than deleted, has no IsDeleted and is read with `query`).
import type { SalesforcePage } from '../../domain/salesforce-records';

export type SalesforceObject = SalesforcePage['object'];

/** A row as the query answer gives it: the selected fields, plus `attributes`. */
export type SalesforceRow = Record<string, unknown> & { Id: string; SystemModstamp: string; IsDeleted?: boolean };

interface ObjectReading {
  fields: readonly string[];
  /** Read with queryAll, so deleted records (IsDeleted = true) come too. */
  withDeleted: boolean;
}

export const objectReadings: Record<SalesforceObject, ObjectReading> = {
  User: { fields: ['Id', 'Email', 'SystemModstamp'], withDeleted: false },
  Contact: { fields: ['Id', 'Email', 'OwnerId', 'AccountId', 'IsDeleted', 'SystemModstamp'], withDeleted: true },
  Lead: {
    fields: ['Id', 'Email', 'OwnerId', 'Company', 'IsConverted', 'IsDeleted', 'SystemModstamp'],
    withDeleted: true,
  },
  Account: { fields: ['Id', 'Name', 'Website', 'OwnerId', 'IsDeleted', 'SystemModstamp'], withDeleted: true },
  AccountTeamMember: {
    fields: ['Id', 'AccountId', 'UserId', 'TeamMemberRole', 'IsDeleted', 'SystemModstamp'],
    withDeleted: true,
  },
};

/** SOQL's datetime literal (unquoted, UTC). */
export const soqlDateTime = (iso: string) => new Date(iso).toISOString();

/** Quotes a string literal as SOQL wants it. */
const soqlString = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * The records changed after the cursor, oldest first: SystemModstamp after the high-water mark, or equal to it with
 * a greater Id (records changed in the same millisecond are neither skipped nor read twice).
 */
export function incrementalSoql(object: SalesforceObject, after: { highWater: string | null; lastId: string | null }) {
  const { fields } = objectReadings[object];
  let where = '';
  if (after.highWater !== null) {
    const stamp = soqlDateTime(after.highWater);
    where =
      after.lastId === null
        ? ` WHERE SystemModstamp > ${stamp}`
        : ` WHERE (SystemModstamp > ${stamp} OR (SystemModstamp = ${stamp} AND Id > ${soqlString(after.lastId)}))`;
  }
  return `SELECT ${fields.join(', ')} FROM ${object}${where} ORDER BY SystemModstamp ASC, Id ASC`;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);

/** One page of rows as records, the deleted ones apart. */
export function pageOf(object: SalesforceObject, rows: readonly SalesforceRow[]): SalesforcePage {
  const live = rows.filter((row) => row.IsDeleted !== true);
  const deletedIds = rows.filter((row) => row.IsDeleted === true).map((row) => row.Id);
  switch (object) {
    case 'User':
      return { object, deletedIds, records: live.map((row) => ({ id: row.Id, email: text(row.Email) })) };
    case 'Contact':
      return {
        object,
        deletedIds,
        records: live.map((row) => ({
          id: row.Id,
          email: text(row.Email),
          ownerId: text(row.OwnerId),
          accountId: text(row.AccountId),
        })),
      };
    case 'Lead':
      return {
        object,
        deletedIds,
        // A converted lead lives on as a contact (and account), which routes instead.
        records: live.map((row) => ({
          id: row.Id,
          email: row.IsConverted === true ? null : text(row.Email),
          ownerId: text(row.OwnerId),
          company: text(row.Company),
        })),
      };
    case 'Account':
      return {
        object,
        deletedIds,
        records: live.map((row) => {
          const website = text(row.Website);
          return {
            id: row.Id,
            name: text(row.Name) ?? row.Id,
            domains: website === null ? [] : [website],
            ownerId: text(row.OwnerId),
          };
        }),
      };
    case 'AccountTeamMember':
      return {
        object,
        deletedIds,
        records: live.flatMap((row) => {
          const accountId = text(row.AccountId);
          const userId = text(row.UserId);
          if (accountId === null || userId === null) return [];
          return [{ id: row.Id, accountId, userId, role: text(row.TeamMemberRole) ?? 'Member' }];
        }),
      };
  }
}

/** A live lookup's query: the records of `object` with this email (Salesforce compares emails case-insensitively). */
export function byEmailSoql(object: 'Contact' | 'Lead', email: string) {
  return `SELECT ${objectReadings[object].fields.join(', ')} FROM ${object} WHERE Email = ${soqlString(email)} ORDER BY SystemModstamp ASC, Id ASC`;
}
