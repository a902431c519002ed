// Awkward but valid texts: what real code and comments hold and tokenizers trip on. Each must be
// embedded (2xx, one finite vector per text, unit norm where the model normalises, the same
// vector when sent again). The text exactly at the context limit is built by calibrate.ts.
import { jsonRequest, type InputCase } from './case.ts';

/** Exactly 500 characters each. */
const CAMEL = Array.from({ length: 100 }, (_, i) => ['get', 'User', 'Account', 'Billing', 'Address', 'Handler', 'Factory', 'Provider', 'Config', 'Value'][i % 10]).join('').slice(0, 500);
const SNAKE = Array.from({ length: 130 }, (_, i) => `v${i % 10}x`).join('_').slice(0, 500);

export const AWKWARD_TEXTS: Record<string, { what: string; text: string }> = {
  emoji: { what: 'emoji: ZWJ sequences, skin tones, flags, a keycap', text: '🔥 deploy 🚀 done by 👩🏽‍💻 and 👨‍👩‍👧‍👦 from 🇯🇵 🇧🇷, step 1️⃣ ✅' },
  cjk: { what: 'Chinese, Japanese and Korean', text: '二叉搜索树的插入 二分探索木の挿入を実装する 이진 탐색 트리 삽입' },
  rtl: { what: 'Arabic and Hebrew, with a right-to-left override', text: 'دالة لحساب مجموع القائمة — פונקציה לחישוב סכום \u202egnirts desrever\u202c' },
  combining: { what: 'combining marks stacked on letters (and precomposed vs decomposed é)', text: 'cafe\u0301 café Z\u0335\u0321\u0358a\u0336\u0317l\u0334\u031cg\u0337\u0322o\u0338\u0326 n\u0303 a\u0308\u0301\u0323' },
  'zero-width': { what: 'zero-width space, joiner, non-joiner and a BOM inside words', text: 'zero\u200bwidth\u200cnon\u200djoiner\ufeffbom word\u2060joiner' },
  'mixed-scripts': { what: 'Latin, Cyrillic, Greek and CJK in one identifier and sentence', text: 'getUserПользователь用户名_ελληνικά() returns the имя of the χρήστης' },
  'code-tabs-crlf': { what: 'code with tabs and CRLF line ends', text: 'function add(a, b) {\r\n\tif (a == null)\r\n\t\treturn b;\r\n\treturn a\t+ b;\r\n}\r\n' },
  'long-identifier': { what: 'a 500-character identifier', text: `const ${CAMEL} = 1;` },
  'long-identifier-snake': { what: 'a 500-character snake_case identifier', text: `${SNAKE} = None` },
  'whitespace-runs': { what: 'long runs of spaces and blank lines inside code', text: `if (x) {${' '.repeat(200)}\n\n\n\n${' '.repeat(64)}return;\n}` },
  'ascii-control': { what: 'ASCII control characters (bell, backspace, escape) inside text', text: 'log line \u0007 with \u0008 controls \u001b[31mred\u001b[0m' },
};

export function awkwardCases(modelId: string): InputCase[] {
  const cases: InputCase[] = Object.entries(AWKWARD_TEXTS).map(([name, { what, text }]) => ({
    group: 'awkward',
    name,
    what,
    request: jsonRequest({ model: modelId, input: text }),
    expect: { kind: 'accept' },
    inputs: [text],
  }));
  const all = Object.values(AWKWARD_TEXTS).map((t) => t.text);
  cases.push({ group: 'awkward', name: 'all-in-one-batch', what: 'every awkward text in one request, in order (each must come back as it did alone)', request: jsonRequest({ model: modelId, input: all }), expect: { kind: 'accept' }, inputs: all });
  return cases;
}

/** The text exactly at the context limit, as a case; `tokens` is what the target counted for it. */
export function atLimitCase(modelId: string, text: string, limit: number): InputCase {
  return { group: 'awkward', name: 'at-context-limit', what: `a text of exactly ${limit} tokens, the context limit (BOS/EOS included)`, request: jsonRequest({ model: modelId, input: text }), expect: { kind: 'accept' }, inputs: [text] };
}
