// Opens the gguf target for the server and embeds one probe text before it is served: a model
// whose weights hold NaN or Inf loads and passes every structural check, then answers every
// request with NaN (JSON null) vectors. Refused here, it becomes a load failure with the reason,
// and serve exits with it instead of serving garbage.
import type { ResolvedModel } from '../plan.ts';
import { ModelLoadError, openGgufTarget, type GgufTarget, type GgufTargetOptions } from '../targets/gguf/target.ts';

const PROBE = 'embedgate probe: def add(a, b): return a + b';

export async function openCheckedTarget(model: ResolvedModel, opts: GgufTargetOptions): Promise<GgufTarget> {
  const target = await openGgufTarget(model, opts);
  let bad: string | undefined;
  try {
    const [v] = await target.embed([PROBE]);
    const n = v ? v.reduce((k, x) => k + (Number.isFinite(x) ? 0 : 1), 0) : 0;
    if (!v) bad = 'no vector';
    else if (n > 0) bad = `${n} of its ${v.length} values are NaN or Inf`;
  } catch (err) {
    await target.close();
    throw err;
  }
  if (bad === undefined) return target;
  await target.close();
  throw new ModelLoadError(model.path, 'load', `the model loads but its embedding of a probe text is not finite (${bad}): its weights hold NaN or Inf`, 'the file is corrupt or was converted wrongly; re-download or reconvert it and compare its sha256');
}
