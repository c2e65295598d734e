// @ts-check
// Admin: connections to Salesforce, Outreach and Salesloft. The table shows each one's status (with the provider's
// reason on error), last sync, records per object and API budget, with Sync now, Reconnect and Delete; the form
// connects a new one. An OAuth connection continues at the provider: the page goes to its authorizeUrl, and the
// provider's redirect comes back here (/#connections), where the status says how it went.
import { segment } from './api.js';
import { byId, controlValue, h, replaceChildren, whileBusy } from './dom.js';
import { clearErrors, showErrors } from './field-errors.js';
import { timeElement } from './format.js';

/** @typedef {import('./api.js').Api} Api */
/**
 * @typedef {{
 *   id: string, provider: 'salesforce' | 'outreach' | 'salesloft',
 *   auth: { type: 'oauth' | 'jwt', clientId: string, username?: string },
 *   loginUrl?: string, apiBaseUrl?: string, tokenUrl?: string,
 *   status: 'pending_authorization' | 'connected' | 'syncing' | 'error', statusReason?: string,
 *   lastSyncAt?: string, records: Record<string, number>, apiBudget?: { used: number, limit: number },
 * }} Connection
 */

/** How often the list is read again while a connection syncs. */
const SYNC_REFRESH_MS = 2000;
/** How long a sync asked for here is waited for to show up in the list. */
const FOLLOW_REQUESTED_MS = 60_000;

const providerNames = { salesforce: 'Salesforce', outreach: 'Outreach', salesloft: 'Salesloft' };
const statusNames = {
  pending_authorization: 'Waiting for authorization',
  connected: 'Connected',
  syncing: 'Syncing',
  error: 'Error',
};

/** The form's inputs, by the API field each holds (for the API's validation errors). */
const inputIds = {
  provider: 'connection-provider',
  'auth.type': 'connection-auth-type',
  'auth.clientId': 'connection-client-id',
  'auth.clientSecret': 'connection-client-secret',
  'auth.username': 'connection-username',
  'auth.privateKey': 'connection-private-key',
  loginUrl: 'connection-login-url',
  apiBaseUrl: 'connection-api-base-url',
  tokenUrl: 'connection-token-url',
};

/** @param {Connection} connection */
const recordsText = (connection) => {
  const entries = Object.entries(connection.records);
  return entries.length === 0 ? 'none yet' : entries.map(([object, count]) => `${object}: ${count}`).join(', ');
};

/**
 * @param {Api} api
 * @param {(text: string) => void} say shows the outcome of an action in the view's status line
 */
export function startConnections(api, say) {
  const body = byId('connections-list', HTMLTableSectionElement);
  const form = byId('connection-form', HTMLFormElement);
  const errors = byId('connection-form-errors', HTMLElement);

  /** Shows only the fields the chosen provider and auth type take. */
  const showFieldsFor = () => {
    const provider = controlValue('connection-provider');
    const authType = byId('connection-auth-type', HTMLSelectElement);
    const jwtOption = authType.querySelector('option[value="jwt"]');
    if (jwtOption instanceof HTMLOptionElement) jwtOption.disabled = provider !== 'salesforce';
    if (provider !== 'salesforce') authType.value = 'oauth';
    const jwt = authType.value === 'jwt';
    byId('connection-oauth-fields', HTMLElement).hidden = jwt;
    byId('connection-jwt-fields', HTMLElement).hidden = !jwt;
    byId('connection-salesforce-fields', HTMLElement).hidden = provider !== 'salesforce';
    byId('connection-prospecting-fields', HTMLElement).hidden = provider === 'salesforce';
  };
  byId('connection-provider', HTMLSelectElement).onchange = showFieldsFor;
  byId('connection-auth-type', HTMLSelectElement).onchange = showFieldsFor;
  showFieldsFor();

  /**
   * @param {string} label
   * @param {string} name the connection, for screen readers
   * @param {() => Promise<void>} action
   */
  const actionButton = (label, name, action) => {
    const button = h('button', { type: 'button' }, label, h('span', { class: 'visually-hidden' }, ` ${name}`));
    button.addEventListener('click', () =>
      whileBusy(button, async () => {
        try {
          await action();
        } catch (error) {
          say(`${label} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
    return button;
  };

  /** @param {Connection} connection */
  const row = (connection) => {
    const name = `${providerNames[connection.provider]} ${connection.id}`;
    const path = `/v1/connections/${segment(connection.id)}`;
    const actions = [
      actionButton('Sync now', name, async () => {
        await api.post(`${path}/sync`, { full: false });
        requested.set(connection.id, { lastSyncAt: connection.lastSyncAt, until: Date.now() + FOLLOW_REQUESTED_MS });
        say(`Sync of ${name} started.`);
        await load();
      }),
    ];
    if (connection.auth.type === 'oauth') {
      actions.push(
        actionButton('Reconnect', name, async () => {
          /** @type {{ authorizeUrl: string }} */
          const { authorizeUrl } = await api.post(`${path}/authorize`, {});
          window.location.assign(authorizeUrl);
        }),
      );
    }
    actions.push(
      actionButton('Delete', name, async () => {
        if (!window.confirm(`Delete ${name} and its stored credentials?`)) return;
        await api.delete(path);
        say(`Deleted ${name}.`);
        await load();
      }),
    );
    return h(
      'tr',
      { 'data-connection-id': connection.id },
      h('th', { scope: 'row' }, providerNames[connection.provider], h('br'), h('code', {}, connection.id)),
      h(
        'td',
        {},
        statusNames[connection.status],
        connection.statusReason ? h('span', { class: 'error' }, `: ${connection.statusReason}`) : '',
      ),
      h('td', {}, connection.lastSyncAt ? timeElement(connection.lastSyncAt) : 'never'),
      h('td', {}, recordsText(connection)),
      h('td', {}, connection.apiBudget ? `${connection.apiBudget.used} of ${connection.apiBudget.limit}` : '—'),
      h('td', { class: 'actions' }, ...actions),
    );
  };

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let refresh;
  /**
   * Syncs asked for here that have not shown up yet (the workflow marks its connection `syncing` a moment later).
   * @type {Map<string, { lastSyncAt: string | undefined, until: number }>}
   */
  const requested = new Map();
  /** @param {Connection} connection */
  const awaited = (connection) => {
    const asked = requested.get(connection.id);
    if (!asked) return false;
    const still =
      asked.lastSyncAt === connection.lastSyncAt && connection.status !== 'error' && Date.now() < asked.until;
    if (!still) requested.delete(connection.id);
    return still;
  };
  const load = async () => {
    clearTimeout(refresh);
    /** @type {{ connections: Connection[] }} */
    const { connections } = await api.get('/v1/connections');
    replaceChildren(body, ...connections.map(row));
    if (connections.length === 0) body.append(h('tr', {}, h('td', { colspan: 6 }, 'No connections yet.')));
    // While a sync runs (or one asked for has not started yet), the list follows it (status, records, budget) until
    // it is over (or a read fails: signed out).
    const following = connections.filter((connection) => connection.status === 'syncing' || awaited(connection));
    if (following.length > 0) {
      refresh = setTimeout(() => load().catch(() => undefined), SYNC_REFRESH_MS);
    }
  };

  form.onsubmit = async (event) => {
    event.preventDefault();
    const provider = controlValue('connection-provider');
    const jwt = controlValue('connection-auth-type') === 'jwt';
    const clientId = controlValue('connection-client-id').trim();
    /** @type {Record<string, unknown>} */
    const request = {
      provider,
      auth: jwt
        ? {
            type: 'jwt',
            clientId,
            username: controlValue('connection-username').trim(),
            privateKey: controlValue('connection-private-key'),
          }
        : { type: 'oauth', clientId, clientSecret: controlValue('connection-client-secret') },
    };
    const urlFields = provider === 'salesforce' ? ['loginUrl'] : ['apiBaseUrl', 'tokenUrl'];
    for (const field of urlFields) {
      const value = controlValue(inputIds[/** @type {keyof typeof inputIds} */ (field)]).trim();
      if (value !== '') request[field] = value;
    }
    try {
      clearErrors(form, errors);
      /** @type {Connection & { authorizeUrl?: string }} */
      const created = await api.post('/v1/connections', request);
      form.reset();
      showFieldsFor();
      if (created.authorizeUrl) {
        // On to the provider's consent screen; its redirect brings the admin back to this page.
        window.location.assign(created.authorizeUrl);
        return;
      }
      say(
        created.status === 'connected'
          ? `Connected ${providerNames[created.provider]}.`
          : `Could not connect: ${created.statusReason ?? created.status}`,
      );
      await load();
    } catch (error) {
      showErrors(form, errors, error, (field) =>
        field in inputIds ? inputIds[/** @type {keyof typeof inputIds} */ (field)] : undefined,
      );
    }
  };

  return { load };
}
