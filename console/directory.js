// @ts-check
// Admin: the reps and groups tables, their add-or-update forms, and minting a rep's sign-in token.
import { segment } from './api.js';
import { byId, controlValue, h, replaceChildren, whileBusy } from './dom.js';
import { clearErrors, listField, requiredId, showErrors } from './field-errors.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./types.js').User} User */
/** @typedef {import('./types.js').Group} Group */

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
    /** @type {[{ users: User[] }, { groups: Group[] }]} */
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
          h('td', {}, mintButton(user)),
        ),
      ),
    );
    if (users.length === 0) repsBody.append(h('tr', {}, h('td', { colspan: 6 }, 'No reps yet.')));
    replaceChildren(
      groupsBody,
      ...groups.map((group) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, group.id),
          h('td', {}, group.name),
          h('td', {}, group.members.join(', ')),
        ),
      ),
    );
    if (groups.length === 0) groupsBody.append(h('tr', {}, h('td', { colspan: 3 }, 'No groups yet.')));
  };

  userForm.onsubmit = async (event) => {
    event.preventDefault();
    const id = controlValue('user-id').trim();
    const capacity = controlValue('user-capacity').trim();
    try {
      clearErrors(userForm, userErrors);
      await api.put(`/v1/users/${segment(requiredId(id))}`, {
        name: controlValue('user-name'),
        email: controlValue('user-email'),
        status: controlValue('user-status'),
        capacity: capacity === '' ? null : Number(capacity),
      });
      say(`Saved rep ${id}.`);
      userForm.reset();
      await load();
    } catch (error) {
      showErrors(userForm, userErrors, error, (field) =>
        field === 'id'
          ? 'user-id'
          : ['name', 'email', 'status', 'capacity'].includes(field)
            ? `user-${field}`
            : undefined,
      );
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
              : undefined,
      );
    }
  };

  return { load };
}
