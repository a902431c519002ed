// Undo actions for faults that must never outlive the run (a paused process, a busy or memory
// hungry child): each fault undoes itself when it ends; these run only if the harness exits
// before that, on its way out (normal exit, or after SIGINT/SIGTERM handling ends the process).
const pending = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const undo of [...pending]) {
    pending.delete(undo);
    try {
      undo();
    } catch {
      // best effort on the way out
    }
  }
}

/** Registers `undo` to run at exit; the returned function unregisters it (call it once undone). */
export function cleanupOnExit(undo: () => void): () => void {
  if (!installed) {
    installed = true;
    process.once('exit', runAll);
  }
  pending.add(undo);
  return () => pending.delete(undo);
}
