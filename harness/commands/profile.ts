// `embedgate profile SUITE... --tool doctor|flame|heapprofiler|cpu-prof`: runs the suites as
// `embedgate run` does, with every `embedgate serve` their gguf targets start running under the
// profiler (harness/profile/). The profiles land in the run's directory under profile/, and
// report.html links them. Made for load suites; any suite that serves a gguf target over HTTP
// (load, soak, memory over HTTP, fault, canary) works.
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { parseDuration } from '../config/duration.ts';
import { formatConfigErrors } from '../config/errors.ts';
import { EXIT } from '../exit-codes.ts';
import { endProfiling, setProfileRunDir, startProfiling } from '../profile/session.ts';
import { clinicEntry, isClinicTool, parseTool, ProfileSetupError } from '../profile/tools.ts';
import { loadFiles } from './load-files.ts';
import { parseModelOverrides, UsageError, type ParsedValues } from './options.ts';
import { runFiles } from './run-files.ts';

/** Kinds whose gguf target runs behind an `embedgate serve` the harness starts. */
export const SERVING_KINDS = ['load', 'soak', 'memory', 'fault', 'canary'];

export async function profileCommand(args: readonly string[], values: ParsedValues, argv: string[]): Promise<number> {
  if (args.length === 0) throw new UsageError('profile expects one or more suite files, e.g. embedgate profile suites/load-100.yaml --tool flame');
  let tool;
  let clinicBin: string | undefined;
  try {
    tool = parseTool(values.tool);
    if (isClinicTool(tool)) clinicBin = clinicEntry().bin;
  } catch (err) {
    if (err instanceof ProfileSetupError) throw new UsageError(err.message);
    throw err;
  }
  const limit = values['analysis-limit'] === undefined ? undefined : parseDuration(values['analysis-limit']);
  if (limit === undefined && values['analysis-limit'] !== undefined) throw new UsageError(`--analysis-limit expects a duration such as 3m or 90s, got "${values['analysis-limit']}"`);
  const files = args.map((f) => resolve(f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) throw new UsageError(`no such file: ${missing.join(', ')}`);
  const loaded = loadFiles(files, parseModelOverrides(values.model));
  if (Array.isArray(loaded)) {
    process.stderr.write(formatConfigErrors(loaded) + '\n');
    return EXIT.usage;
  }
  for (const suite of loaded.suites) {
    const refs = [suite.target, ...(suite.compare ? [suite.compare] : [])];
    if (!refs.some((r) => r.type === 'gguf')) {
      const where = suite.target.http?.url ?? suite.target.name;
      throw new UsageError(
        `suite ${suite.name} targets a ${suite.target.type} target (${where}), not a gguf model: there is no embedgate serve of embedgate's own to profile on this machine. Profile that server where it runs (e.g. NO_INSIGHT=1 clinic flame -- node server.js), or point the suite at a gguf target`,
      );
    }
    if (!SERVING_KINDS.includes(suite.kind)) process.stderr.write(`embedgate profile: suite ${suite.name} is a ${suite.kind} suite, which embeds in process and starts no embedgate serve; only ${SERVING_KINDS.join(', ')} suites have a server to profile\n`);
  }

  let ended: ReturnType<typeof endProfiling> | undefined;
  startProfiling({ tool, ...(clinicBin ? { clinicBin } : {}), ...(limit !== undefined ? { analysisLimitMs: limit } : {}) });
  let runDir = '';
  const code = await runFiles(files, `profile-${tool}`, values, argv, (dir) => {
    runDir = dir;
    setProfileRunDir(dir);
  }).finally(() => (ended = endProfiling()));
  const { servers, entries } = ended!;
  if (servers === 0) {
    process.stderr.write(`embedgate profile: no embedgate serve was started, so nothing was profiled: profile ${SERVING_KINDS.join(', ')} suites with a gguf target\n`);
    return code === EXIT.usage ? code : EXIT.inconclusive;
  }
  for (const e of entries) {
    const what = e.html ?? e.cpuProfiles?.map((p) => `${p.file} (${p.process})`).join(', ') ?? 'nothing';
    process.stderr.write(`embedgate profile: server ${e.n} (${e.model}): ${e.error ? `NO PROFILE: ${e.error}` : what}${e.notes?.length ? `; ${e.notes.join('; ')}` : ''}\n`);
  }
  process.stderr.write(`embedgate profile: profiles in ${runDir}/profile (linked from report.html)\n`);
  // The run's verdict stands, except that a pass whose profile could not be written is not one for this command.
  return code === EXIT.pass && (entries.length < servers || entries.some((e) => e.error)) ? EXIT.inconclusive : code;
}
