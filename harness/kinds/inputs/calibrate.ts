// Builds a text of exactly the context limit's tokens through the target itself: the tokenizer is
// the target's, so the harness counts with the target's own `usage.prompt_tokens` (BOS/EOS
// included, as the context counts them). A unit that is one token per repeat is found first; then
// the count is corrected until the target says the text has exactly `limit` tokens.
import { jsonRequest } from './case.ts';
import { send } from './send.ts';

export interface Calibration {
  /** A text the target counts as exactly `limit` tokens. */
  atLimit?: string;
  /** A text well over the limit (by 64 units or a quarter, whichever is more). */
  overContext?: string;
  /** Why there is no at-limit text, when there is none. */
  note?: string;
  /** Probe requests sent (not counted as inputs). */
  probes: number;
}

const UNITS = [' a', ' x', ' the', ' 1', '.'];

export async function calibrate(baseUrl: string, modelId: string, limit: number, timeoutMs: number, apiKey?: string): Promise<Calibration> {
  let probes = 0;
  const tokens = async (text: string): Promise<number | string> => {
    probes++;
    const sent = await send(baseUrl, jsonRequest({ model: modelId, input: text }), timeoutMs, apiKey);
    if (sent.kind !== 'answer') return `${sent.kind === 'timeout' ? 'no answer' : sent.error} for a ${text.length}-character probe`;
    if (sent.status !== 200) return `status ${sent.status} for a ${text.length}-character probe`;
    try {
      const n = (JSON.parse(sent.body) as { usage?: { prompt_tokens?: unknown } }).usage?.prompt_tokens;
      return typeof n === 'number' && n > 0 ? n : 'the answer has no usage.prompt_tokens';
    } catch {
      return 'the probe answer is not JSON';
    }
  };
  let why = '';
  for (const unit of UNITS) {
    const t8 = await tokens(unit.repeat(8));
    const t16 = await tokens(unit.repeat(16));
    if (typeof t8 === 'string' || typeof t16 === 'string') return { note: `cannot count tokens through the target: ${typeof t8 === 'string' ? t8 : t16}`, probes, overContext: ' a'.repeat(limit * 2) };
    if (t16 - t8 !== 8) {
      why = `"${unit}" is not one token per repeat`;
      continue;
    }
    const overhead = t8 - 8;
    const over = unit.repeat(Math.max(limit - overhead + 64, Math.ceil(limit * 1.25)));
    let n = limit - overhead;
    for (let attempt = 0; attempt < 4 && n > 0; attempt++) {
      const text = unit.repeat(n);
      const got = await tokens(text);
      // Over the limit a strict target refuses the probe: one unit fewer, then one at a time up.
      if (typeof got === 'string') {
        const fewer = await tokens(unit.repeat(n - 1));
        if (typeof fewer === 'number' && fewer === limit - 1) return { atLimit: text, overContext: over, probes, note: `the target refused the ${limit}-token text while probing (${got}); it is judged as an input` };
        return { overContext: over, probes, note: `no text of exactly ${limit} tokens could be built: ${got}` };
      }
      if (got === limit) return { atLimit: text, overContext: over, probes };
      n += limit - got;
    }
    return { overContext: over, probes, note: `the token count of "${unit}" repeats does not converge to ${limit}` };
  }
  return { probes, overContext: ' a'.repeat(limit * 2), note: `no one-token unit found (${why})` };
}
