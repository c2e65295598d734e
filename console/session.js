// @ts-check
// Who is signed in. Kept in sessionStorage: it survives a reload but not the tab, and is never sent anywhere but
// the API's Authorization header.

/** @typedef {{ kind: 'rep', repId: string, token: string } | { kind: 'admin', key: string }} Session */

const KEY = 'routing-console.session';

/** @returns {Session | undefined} */
export function loadSession() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    if (stored?.kind === 'rep' && typeof stored.repId === 'string' && typeof stored.token === 'string') return stored;
    if (stored?.kind === 'admin' && typeof stored.key === 'string') return stored;
  } catch {
    // An unreadable entry is as good as none.
  }
  return undefined;
}

/** @param {Session} session */
export function saveSession(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}
