// @ts-check
// Admin: the reps and groups tables, their add-or-update forms, and minting a rep's sign-in token.
import { segment } from './api.js';
import { byId, controlValue, h, replaceChildren, whileBusy } from './dom.js';
import { clearErrors, listField, parseJsonField, requiredId, showErrors } from './field-errors.js';
import { timeElement } from './format.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./types.js').User} User */
/** @typedef {import('./types.js').ListedUser} ListedUser */
/** @typedef {import('./types.js').Group} Group */
/** @typedef {import('../domain/working-hours').WorkingHours} WorkingHours */

/**
 * A schedule in a table cell: its zone and weekly hours, and how many dated exceptions it has.
 * @param {WorkingHours} hours
 */
function hoursSummary(hours) {
  const days = Object.entries(hours.weekly)
    .filter(([, intervals]) => intervals.length > 0)
    .map(([day, intervals]) => `${day} ${intervals.map(({ start, end }) => `${start}–${end}`).join(', ')}`);
  const exceptions = hours.exceptions.length > 0 ? `; ${hours.exceptions.length} exception(s)` : '';
  return `${hours.timeZone}: ${days.join('; ') || 'no weekly hours'}${exceptions}`;
}

/** The form input holding each field of a rep, by the field's first segment. */
const userInputs = /** @type {Record<string, string>} */ ({
  id: 'user-id',
  name: 'user-name',
  email: 'user-email',
  status: 'user-status',
  capacity: 'user-capacity',
  workingHours: 'user-hours',
  dailyAcceptCap: 'user-daily-cap',
  awayAfterMissedOffers: 'user-away-after',
});

/** @param {string} text empty for none */
const optionalNumber = (text) => (text.trim() === '' ? null : Number(text.trim()));

/**
 * @param {Api} api
 * @param {(text: string) => void} say shows the outcome of an action in the view's status line
 */
export function startDirectory(api, say) {
  const repsBody = byId('reps', HTMLTableSectionElement);
  const groupsBody = byId('groups', HTMLTableSectionElement);
  const tokenOutput = byId('rep-token-output', HTMLElement);
  const userForm = byId('user-form', HTMLFormElement);
  const userErrors = byId('user-form-errors', HTMLElement);
  const groupForm = byId('group-form', HTMLFormElement);
  const groupErrors = byId('group-form-errors', HTMLElement);

  /** @param {User} user */
  const mintButton = (user) => {
    const button = h(
      'button',
      { type: 'button' },
      'Create token',
      h('span', { class: 'visually-hidden' }, ` for ${user.id}`),
    );
    button.addEventListener('click', () =>
      whileBusy(button, async () => {
        try {
          /** @type {{ token: string }} */
          const { token } = await api.post(`/v1/users/${segment(user.id)}/tokens`);
          replaceChildren(
            tokenOutput,
            `Token for ${user.id} (shown only now; give it to them to sign in as a rep): `,
            h('code', { class: 'secret' }, token),
          );
        } catch (error) {
          tokenOutput.textContent = error instanceof Error ? error.message : String(error);
        }
      }),
    );
    return button;
  };

  const load = async () => {
    /** @type {[{ users: ListedUser[] }, { groups: Group[] }]} */
    const [{ users }, { groups }] = await Promise.all([api.get('/v1/users'), api.get('/v1/groups')]);
    replaceChildren(
      repsBody,
      ...users.map((user) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, user.id),
          h('td', {}, user.name),
          h('td', {}, user.email),
          h('td', {}, user.status, user.chatUser ? '' : ' (not a chat user)'),
          h('td', {}, user.capacity ?? 'no limit'),
          h('td', {}, user.workingHours ? hoursSummary(user.workingHours) : "their groups' hours, or always"),
          h('td', {}, user.dailyAcceptCap ?? 'none'),
          h('td', {}, user.awayAfterMissedOffers ?? 'never'),
          h(
            'td',
            {},
            String(user.activeConversations),
            // What least busy weighs: the load, then who has been idle longest.
            user.lastConversationAt
              ? h('span', { class: 'muted' }, ' (last ', timeElement(user.lastConversationAt), ')')
              : '',
          ),
          h('td', {}, mintButton(user)),
        ),
      ),
    );
    if (users.length === 0) repsBody.append(h('tr', {}, h('td', { colspan: 10 }, 'No reps yet.')));
    replaceChildren(
      groupsBody,
      ...groups.map((group) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, group.id),
          h('td', {}, group.name),
          h('td', {}, group.members.join(', ')),
          h('td', {}, group.workingHours ? hoursSummary(group.workingHours) : 'none'),
        ),
      ),
    );
    if (groups.length === 0) groupsBody.append(h('tr', {}, h('td', { colspan: 4 }, 'No groups yet.')));
  };

  userForm.onsubmit = async (event) => {
    event.preventDefault();
    const id = controlValue('user-id').trim();
    try {
      clearErrors(userForm, userErrors);
      await api.put(`/v1/users/${segment(requiredId(id))}`, {
        name: controlValue('user-name'),
        email: controlValue('user-email'),
        status: controlValue('user-status'),
        capacity: optionalNumber(controlValue('user-capacity')),
        workingHours: parseJsonField(controlValue('user-hours'), 'workingHours', null),
        dailyAcceptCap: optionalNumber(controlValue('user-daily-cap')),
        awayAfterMissedOffers: optionalNumber(controlValue('user-away-after')),
      });
      say(`Saved rep ${id}.`);
      userForm.reset();
      await load();
    } catch (error) {
      showErrors(userForm, userErrors, error, (field) => userInputs[field.split('.')[0] ?? '']);
    }
  };

  groupForm.onsubmit = async (event) => {
    event.preventDefault();
    const id = controlValue('group-id').trim();
    try {
      clearErrors(groupForm, groupErrors);
      await api.put(`/v1/groups/${segment(requiredId(id))}`, {
        name: controlValue('group-name'),
        members: listField(controlValue('group-members')),
        workingHours: parseJsonField(controlValue('group-hours'), 'workingHours', null),
      });
      say(`Saved group ${id}.`);
      groupForm.reset();
      await load();
    } catch (error) {
      showErrors(groupForm, groupErrors, error, (field) =>
        field === 'id'
          ? 'group-id'
          : field === 'name'
            ? 'group-name'
            : field.startsWith('members')
              ? 'group-members'
              : field.startsWith('workingHours')
                ? 'group-hours'
                : undefined,
      );
    }
  };

  return { load };
}
