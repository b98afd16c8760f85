// Facts about operating-system processes, for the commands that start and watch others.

/** Whether process `pid` exists (and may be signalled by this one). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
