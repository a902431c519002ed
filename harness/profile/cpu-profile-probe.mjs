// Preloaded (NODE_OPTIONS=--import) into the processes of a profiled `embedgate serve` that were
// not started with --cpu-prof: in practice its llama.cpp worker, which is forked with an execArgv
// of its own (and Node refuses --cpu-prof in NODE_OPTIONS). It runs V8's sampling profiler through
// the inspector and writes the same .cpuprofile file `node --cpu-prof` would when the process
// exits normally; a process killed by a signal writes nothing.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { basename, join } from 'node:path';

const dir = process.env.EMBEDGATE_CPU_PROFILE_DIR;
if (dir && !process.execArgv.some((a) => a.startsWith('--cpu-prof'))) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.on('exit', () => {
    // A session on this thread answers synchronously, so the file is written before the process ends.
    session.post('Profiler.stop', (err, result) => {
      if (err || !result?.profile) return;
      const role = basename(process.argv[1] ?? 'node').replace(/\.[cm]?[jt]s$/, '');
      writeFileSync(join(dir, `${role}.${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
