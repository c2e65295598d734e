// The Salesforce connector's SOQL and record mapping (connectors/salesforce/objects.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { byEmailSoql, incrementalSoql, pageOf } from '../../connectors/salesforce/objects';

describe('Salesforce objects', () => {
  it('reads everything at first, then after the high-water mark, ties broken by Id', () => {
    assert.equal(
      incrementalSoql('Contact', { highWater: null, lastId: null }),
      'SELECT Id, Email, OwnerId, AccountId, IsDeleted, SystemModstamp FROM Contact ORDER BY SystemModstamp ASC, Id ASC',
    );
    assert.equal(
      incrementalSoql('User', { highWater: '2026-01-01T10:00:00.000+0000', lastId: '005A' }),
      "SELECT Id, Email, SystemModstamp FROM User WHERE (SystemModstamp > 2026-01-01T10:00:00.000Z OR (SystemModstamp = 2026-01-01T10:00:00.000Z AND Id > '005A')) ORDER BY SystemModstamp ASC, Id ASC",
    );
  });

  it('quotes string literals as SOQL wants', () => {
    assert.match(byEmailSoql('Lead', "o'hara\\x@example.test"), /WHERE Email = 'o\\'hara\\\\x@example\.test'/);
  });

  it('keeps deleted rows apart, and converted leads or ownerless members out of routing', () => {
    const page = pageOf('Lead', [
      {
        Id: '00Q1',
        Email: 'a@x.test',
        OwnerId: '0051',
        Company: 'X',
        IsConverted: false,
        IsDeleted: false,
        SystemModstamp: 't',
      },
      {
        Id: '00Q2',
        Email: 'b@x.test',
        OwnerId: '0051',
        Company: 'X',
        IsConverted: true,
        IsDeleted: false,
        SystemModstamp: 't',
      },
      { Id: '00Q3', Email: 'c@x.test', OwnerId: '0051', IsDeleted: true, SystemModstamp: 't' },
    ]);
    assert.deepEqual(page, {
      object: 'Lead',
      deletedIds: ['00Q3'],
      records: [
        { id: '00Q1', email: 'a@x.test', ownerId: '0051', company: 'X' },
        { id: '00Q2', email: null, ownerId: '0051', company: 'X' },
      ],
    });
    const team = pageOf('AccountTeamMember', [
      { Id: '01M1', AccountId: '0011', UserId: null, TeamMemberRole: 'AE', IsDeleted: false, SystemModstamp: 't' },
      { Id: '01M2', AccountId: '0011', UserId: '0052', TeamMemberRole: null, IsDeleted: false, SystemModstamp: 't' },
    ]);
    assert.deepEqual(team.records, [{ id: '01M2', accountId: '0011', userId: '0052', role: 'Member' }]);
  });
});
