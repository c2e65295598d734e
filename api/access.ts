// Who may call an operation. Each rule is both documented (its text and security schemes go into /openapi.json) and
// enforced (api/operations.ts runs its check before the handler), so what the contract says is what the server does.
import type { Db } from '../store/database';
import { activeConversation } from '../store/projection';
import type { Principal } from './auth';
import { HttpError } from './http-error';

/** The three credentials, each sent as `Authorization: Bearer <key or token>`: one security scheme each. */
export const credentials = {
  adminKey: 'The admin key (`ADMIN_API_KEY`): configures everything, and may act wherever a rep token may.',
  experienceKey: 'The experience key (`EXPERIENCE_API_KEY`), for the chat widget back end: starts and reads routings.',
  repToken:
    'A rep token, minted by an admin with `POST /v1/users/{id}/tokens`: acts only for that rep ' +
    '(the `{id}` in the path, or the `repId` in the body).',
} as const;
export type Credential = keyof typeof credentials;

/** What a rule may look at besides the caller: the request's parsed inputs and the database. */
export interface AccessContext<Input> {
  principal: Principal;
  input: Input;
  db: Db;
}

export interface AccessRule<Input, ActsFor = string | undefined> {
  /** Completes "Accepts …" in the operation's description and "this operation accepts …" in its 403. */
  text: string;
  /** The credentials it accepts, in the order to prefer them. */
  schemes: Credential[];
  /** Checked once the body is parsed (the rep the request acts for is named in it); otherwise before. */
  readsBody: boolean;
  /**
   * Throws 403 (or the failure that makes the question moot) unless the caller may; returns the rep the request acts
   * for, when the rule names one.
   */
  check: (context: AccessContext<Input>) => Promise<ActsFor>;
}

const forbidden = (message: string) => new HttpError(403, 'forbidden', message);

/** A rule that looks only at the kind of credential. */
function credentialKinds(text: string, schemes: Credential[], kinds: Principal['kind'][], refusal: string) {
  const rule: AccessRule<unknown, undefined> = {
    text,
    schemes,
    readsBody: false,
    async check({ principal }) {
      if (!kinds.includes(principal.kind)) throw forbidden(refusal);
      return undefined;
    },
  };
  return rule;
}

/** Refuses unless the caller is the rep `repId` themself, or (when `adminToo`) an admin. */
function assertActsFor(principal: Principal, repId: string, adminToo: boolean): string {
  if (principal.kind === 'rep' && principal.repId === repId) return repId;
  if (adminToo && principal.kind === 'admin') return repId;
  throw forbidden(adminToo ? `only rep ${repId} or an admin may do this` : `only rep ${repId} may do this`);
}

/**
 * No credential, for what a third party sends the admin's browser to (the connections' OAuth callback): the request
 * carries its own authorization (a single-use `state`). Such operations live outside /v1, where every request needs a
 * credential, and are documented without `security`; the handler gets no principal.
 */
export const publicAccess: AccessRule<unknown, undefined> = {
  text: 'any caller, without a credential',
  schemes: [],
  readsBody: false,
  check: async () => undefined,
};

/** Configuration: the admin key only. */
export const admin = credentialKinds('the admin key', ['adminKey'], ['admin'], 'this needs the admin key');

/** Routing requests: the experience (chat widget back end) or an admin. */
export const experienceOrAdmin = credentialKinds(
  'the experience key or the admin key',
  ['experienceKey', 'adminKey'],
  ['experience', 'admin'],
  'this needs the experience or admin key',
);

/** The rep named by the path's `{id}` (their own record, offers, events), or an admin. */
export const pathRepOrAdmin: AccessRule<{ params: { id: string } }, string> = {
  text: "the rep's own token (`{id}`) or the admin key",
  schemes: ['repToken', 'adminKey'],
  readsBody: false,
  check: async ({ principal, input }) => assertActsFor(principal, input.params.id, true),
};

/** Answers to offers: only the rep named by the body's `repId`; an admin cannot answer in a rep's name. */
export const bodyRepOnly: AccessRule<{ body: { repId: string } }, string> = {
  text: "only the rep's own token (the body's `repId`)",
  schemes: ['repToken'],
  readsBody: true,
  check: async ({ principal, input }) => assertActsFor(principal, input.body.repId, false),
};

/** The rep connected in the routing `{id}`, or an admin; 409 when the routing has no open conversation. */
export const connectedRepOrAdmin: AccessRule<{ params: { id: string } }, string> = {
  text: "the connected rep's own token or the admin key",
  schemes: ['repToken', 'adminKey'],
  readsBody: false,
  async check({ principal, input, db }) {
    const routingId = input.params.id;
    const conversation = await activeConversation(db, routingId);
    if (!conversation) throw new HttpError(409, 'not_connected', `routing ${routingId} has no open conversation`);
    return assertActsFor(principal, conversation.rep_id, true);
  },
};
