// The mcp target against real MCP servers on this machine: the SDK fixture server (a real gguf
// model behind embed and search) over stdio and over Streamable HTTP, with the default tools and
// with a mapping; load phases through it, every call accounted for and every answer checked.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../http-client/testing/processes.ts';
import { buildBodies } from '../../http-client/bodies.ts';
import { errorTotal, type PhaseResult } from '../../http-client/phase.ts';
import { connectHttp } from '../../mcp/client/connection.ts';
import { DEFAULT_TOOL_MAPPING } from '../../mcp/client/default-mapping.ts';
import { runMcpPhase } from '../../mcp/client/load-phase.ts';
import { SessionPool } from '../../mcp/client/session-pool.ts';
import { REPO_ROOT } from '../../paths.ts';
import type { McpTargetSpec } from '../../plan.ts';
import { need, MissingCapabilityError } from '../target.ts';
import { fixtureCommand, spawnFixtureHttp, TINY_DATASET } from './testing/fixture.ts';
import { openMcpTarget, type McpTarget } from './target.ts';

const children: ChildProcess[] = [];
const stdioSpec: McpTargetSpec = { transport: { type: 'stdio', command: fixtureCommand({ index: TINY_DATASET }), cwd: REPO_ROOT }, tools: DEFAULT_TOOL_MAPPING, callTimeoutMs: 60_000 };
let stdio: McpTarget;
let httpUrl: string;
let mappedUrl: string;

beforeAll(async () => {
  // All three start together: each loads the model in a worker of its own.
  const [s, h, m] = await Promise.all([openMcpTarget(stdioSpec), spawnFixtureHttp({}, children), spawnFixtureHttp({ style: 'text' }, children)]);
  stdio = s;
  httpUrl = h.url;
  mappedUrl = m.url;
}, 180_000);

afterAll(async () => {
  await stdio?.close();
  for (const c of children) c.kill('SIGTERM');
});

const items = (...texts: string[]) => texts.map((text, i) => ({ id: String(i), text, role: 'document' as const }));
const accounted = (r: PhaseResult) => r.answered + r.errors.timeout + r.errors.reset + r.errors.connection + r.errors.lost + r.errors.unanswered;

describe('mcp target over stdio', () => {
  it('knows the model from a probe, embeds, searches its index and names its child', async () => {
    expect(stdio.info().dimensions).toBe(256);
    expect(stdio.info().name).toBe('baseline');
    const vectors = await stdio.embed!(['parse a JSON string', 'function add(a, b) { return a + b; }']);
    expect(vectors).toHaveLength(2);
    for (const v of vectors) {
      expect(v).toHaveLength(256);
      expect(v.every(Number.isFinite)).toBe(true);
    }
    const hits = await stdio.search!('read a file', 5);
    expect(hits).toHaveLength(5);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[4]!.score);
    const pid = stdio.processes().pids[0]!;
    expect(isAlive(pid)).toBe(true);
  });

  it('drives a closed phase over its one session; per-call sessions are refused with the reason', async () => {
    const bodies = buildBodies(items('alpha', 'beta gamma', 'delta'), { count: 64, repeatShare: 0.5, inputsPerRequest: 1, model: 'baseline', queryPrefix: '', documentPrefix: '', seed: 1 });
    const r = await stdio.drivePhase({ name: 'closed', url: 'stdio', bodies: bodies.bodies, startIndex: 0, connections: 4, durationMs: 1000, timeoutMs: 10_000 }, { session: 'per-user' });
    expect(r.sent).toBeGreaterThan(0);
    expect(accounted(r)).toBe(r.sent);
    expect(r.ok).toBe(r.sent - errorTotal(r.errors));
    expect(r.checked).toBe(r.ok);
    expect(r.invalid.total).toBe(0);
    await expect(stdio.drivePhase({ name: 'closed', url: 'stdio', bodies: bodies.bodies, startIndex: 0, connections: 1, durationMs: 100 }, { session: 'per-call' })).rejects.toThrow(/per-call needs an MCP server at a URL/);
  });
});

describe('mcp target over Streamable HTTP', () => {
  it('opens a session per virtual user once, and a session per call when asked; every call accounted for and checked', async () => {
    const target = await openMcpTarget({ transport: { type: 'http', url: httpUrl }, tools: DEFAULT_TOOL_MAPPING, callTimeoutMs: 30_000 });
    try {
      expect(target.info().dimensions).toBe(256);
      expect(target.search).toBeUndefined(); // no --index: the server lists no search tool
      expect(() => need(target, 'retrieval suite "x" (ranking: server)', 'search')).toThrow(MissingCapabilityError);
      const bodies = buildBodies(items('one', 'two three', 'four five six'), { count: 64, repeatShare: 0.2, inputsPerRequest: 2, model: 'baseline', queryPrefix: '', documentPrefix: '', seed: 2 });
      const spec = { name: 'closed', url: httpUrl, bodies: bodies.bodies, startIndex: 0, connections: 8, durationMs: 1500, timeoutMs: 10_000 };
      for (const session of ['per-user', 'per-call'] as const) {
        const r = await target.drivePhase(spec, { session });
        expect(r.sent, session).toBeGreaterThan(0);
        expect(accounted(r), session).toBe(r.sent);
        expect(r.errors.status + r.errors.timeout + r.errors.reset + r.errors.connection + r.errors.lost, session).toBe(0);
        expect(r.checked, session).toBe(r.ok);
        expect(r.invalid.total, session).toBe(0);
        expect(r.latency.count, session).toBe(r.ok);
      }
      const open = await target.drivePhase({ ...spec, name: 'open', rate: 20, connections: 8 }, { session: 'per-user' });
      expect(accounted(open)).toBe(open.sent);
      expect(open.corrected?.count).toBe(open.ok);
    } finally {
      await target.close();
    }
  }, 60_000);

  it('reads vectors where a mapping says, and a wrong mapping is an error naming the path', async () => {
    const tools = { ...DEFAULT_TOOL_MAPPING, embed: { name: 'embed_texts', texts: 'inputs', result: 'data.vectors' } };
    const target = await openMcpTarget({ transport: { type: 'http', url: mappedUrl }, tools, callTimeoutMs: 30_000 });
    try {
      const [v] = await target.embed!(['hello']);
      expect(v).toHaveLength(256);
      // Load answers read through the same mapping are checked like any other.
      const bodies = buildBodies(items('x y', 'z'), { count: 16, repeatShare: 0, inputsPerRequest: 1, model: 'm', queryPrefix: '', documentPrefix: '', seed: 3 });
      const r = await target.drivePhase({ name: 'closed', url: mappedUrl, bodies: bodies.bodies, startIndex: 0, connections: 2, durationMs: 800 }, { session: 'per-user' });
      expect(r.checked).toBeGreaterThan(0);
      expect(r.invalid.total).toBe(0);
    } finally {
      await target.close();
    }
    const wrong = { ...DEFAULT_TOOL_MAPPING, embed: { name: 'embed_texts', texts: 'inputs', result: 'vectors' } };
    await expect(openMcpTarget({ transport: { type: 'http', url: mappedUrl }, tools: wrong, callTimeoutMs: 30_000 })).rejects.toThrow(/expected an array of vectors at vectors, found nothing \(set tools\.embed\.result/);
    await expect(openMcpTarget({ transport: { type: 'http', url: mappedUrl }, tools: DEFAULT_TOOL_MAPPING, callTimeoutMs: 30_000 })).rejects.toThrow(/lists neither an embed tool "embed" nor a search tool "search"; it has embed_texts/);
  }, 60_000);

  it('counts answers a load reads at the wrong path as invalid, not as successes', async () => {
    const bodies = buildBodies(items('x', 'y'), { count: 8, repeatShare: 0, inputsPerRequest: 1, model: 'm', queryPrefix: '', documentPrefix: '', seed: 4 });
    // The server answers well; the load driver reads another path: every answer is the wrong shape.
    const misread = { ...DEFAULT_TOOL_MAPPING, embed: { name: 'embed_texts', texts: 'inputs', result: 'data.other' } };
    const open = () => connectHttp(mappedUrl, 10_000);
    const r = await runMcpPhase({ name: 'closed', url: mappedUrl, bodies: bodies.bodies, startIndex: 0, connections: 2, durationMs: 600 }, { mapping: misread, session: 'per-call', pool: new SessionPool(open), openSession: open });
    expect(r.ok).toBeGreaterThan(0);
    expect(accounted(r)).toBe(r.sent);
    expect(r.checked).toBe(r.ok);
    expect(r.invalid.byReason.shape).toBe(r.checked);
  }, 60_000);
});

describe('mcp target closing', () => {
  it('close ends the stdio child it started', async () => {
    const pid = stdio.processes().pids[0]!;
    await stdio.close();
    // The SDK ends stdin, then SIGTERM, then SIGKILL: wait for the process to be gone, not for a time.
    for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(isAlive(pid)).toBe(false);
  }, 20_000);
});
