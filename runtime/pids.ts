// Processes known by a recorded pid (the dev server's, the local cluster's services), which may outlive the process
// that started them.

/** Whether a process with this pid is running (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
