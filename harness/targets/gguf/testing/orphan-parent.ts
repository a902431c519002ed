// Test helper (faults.test.ts): a harness process that opens a target, prints the worker pid,
// then dies without closing it: by process.exit (argv[3] = 'exit') or by SIGKILL ('kill').
import { openGgufTarget } from '../target.ts';

const [path, how] = process.argv.slice(2);
const target = await openGgufTarget({ name: 'orphan-test', path: path as string, queryPrefix: '', documentPrefix: '', source: 'test' }, { contexts: 1, threads: 1 });
process.stdout.write(`${target.pid}\n`, () => {
  if (how === 'kill') process.kill(process.pid, 'SIGKILL');
  else process.exit(0);
});
