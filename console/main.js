// @ts-check
// Entry point: signing in and out, and showing the view for whoever is signed in.

import { startAdminView } from './admin-view.js';
import { Api, ApiError, segment } from './api.js';
import { byId, controlValue } from './dom.js';
import { startRepView } from './rep-view.js';
import { clearSession, loadSession, saveSession } from './session.js';

/** @typedef {import('./session.js').Session} Session */

const views = {
  signIn: byId('sign-in', HTMLElement),
  rep: byId('rep-view', HTMLElement),
  admin: byId('admin-view', HTMLElement),
};
const signedInAs = byId('signed-in-as', HTMLElement);
const signOut = byId('sign-out', HTMLButtonElement);
/** Stops the view on screen (its event stream, timers). */
let stopView = () => {};

/**
 * Shows one view and, after signing in or out, moves focus to its heading so screen readers announce where the user
 * now is. On page load focus stays where the browser puts it.
 * @param {keyof typeof views} name
 * @param {boolean} moveFocus
 */
function show(name, moveFocus) {
  for (const [key, view] of Object.entries(views)) view.hidden = key !== name;
  if (moveFocus) views[name].querySelector('h1')?.focus();
}

/**
 * @param {Session | undefined} session
 * @param {boolean} [moveFocus]
 */
function enter(session, moveFocus = true) {
  stopView();
  stopView = () => {};
  signOut.hidden = !session;
  signedInAs.hidden = !session;
  if (!session) {
    signedInAs.textContent = '';
    show('signIn', moveFocus);
    return;
  }
  if (session.kind === 'rep') {
    signedInAs.textContent = `Signed in as rep ${session.repId}`;
    show('rep', moveFocus);
    stopView = startRepView(new Api(session.token), session.repId, () =>
      leave('Your token was refused: sign in again.'),
    );
  } else {
    signedInAs.textContent = 'Signed in as admin';
    show('admin', moveFocus);
    stopView = startAdminView(new Api(session.key));
  }
}

/** @param {string} [why] shown on the sign-in form */
function leave(why) {
  clearSession();
  enter(undefined);
  byId('rep-sign-in-error', HTMLElement).textContent = why ?? '';
}

/**
 * Checks the credential against the API before keeping it, so a typo is reported here rather than as failures later.
 * @param {HTMLFormElement} form
 * @param {HTMLElement} errorLine
 * @param {() => { session: Session, check: (api: Api) => Promise<unknown> } | string} read a session, or what is missing
 */
function signInWith(form, errorLine, read) {
  form.onsubmit = async (event) => {
    event.preventDefault();
    errorLine.textContent = '';
    const input = read();
    if (typeof input === 'string') {
      errorLine.textContent = input;
      return;
    }
    const { session, check } = input;
    try {
      await check(new Api(session.kind === 'rep' ? session.token : session.key));
      saveSession(session);
      form.reset();
      enter(session);
    } catch (error) {
      errorLine.textContent =
        error instanceof ApiError && error.status === 401
          ? 'That credential is not valid.'
          : error instanceof ApiError && error.status === 403
            ? session.kind === 'rep'
              ? `That token does not belong to rep ${session.repId}.`
              : 'That is not the admin key.'
            : error instanceof Error
              ? error.message
              : String(error);
    }
  };
}

signInWith(byId('rep-sign-in', HTMLFormElement), byId('rep-sign-in-error', HTMLElement), () => {
  const repId = controlValue('rep-id').trim();
  const token = controlValue('rep-token').trim();
  if (!repId || !token) return 'Enter your rep id and your token.';
  return {
    session: { kind: 'rep', repId, token },
    check: (api) => api.get(`/v1/users/${segment(repId)}`),
  };
});

signInWith(byId('admin-sign-in', HTMLFormElement), byId('admin-sign-in-error', HTMLElement), () => {
  const key = controlValue('admin-key').trim();
  if (!key) return 'Enter the admin key.';
  return { session: { kind: 'admin', key }, check: (api) => api.get('/v1/users') };
});

signOut.onclick = () => leave();

enter(loadSession(), false);
