// Child process for event-log.test.ts: emits events the way the run loop does, then SIGKILLs
// itself (no exit handlers, no flush) to prove nothing emitted before is lost.
import { join } from 'node:path';
import { EVENT_LOG_FILE, createEventLog } from './event-log.ts';

const [outDir = '', countText = '100'] = process.argv.slice(2);
const log = createEventLog(join(outDir, EVENT_LOG_FILE));
const time = () => new Date().toISOString();
log.append({ type: 'run-start', time: time(), runId: 'crash', outDir, suites: [{ name: 'crash', kind: 'bench', file: 'crash.yaml' }] });
for (let i = 0; i < Number(countText); i++) {
  log.append({ type: 'sample', time: time(), suite: 'crash', name: 'value', value: i, unit: 'count', attrs: { note: 'line\nbreak "quoted"' } });
}
process.kill(process.pid, 'SIGKILL');
