// `embedgate serve --model <name|path> [--port N] [--host H] …`: parses its own options (so cli.ts
// only dispatches), starts the server, and on SIGTERM or SIGINT drains and exits 0.
import { parseArgs } from 'node:util';
import { ModelResolutionError } from '../config/models.ts';
import { EXIT } from '../exit-codes.ts';
import { ModelLoadError } from '../targets/gguf/errors.ts';
import { TargetPool } from '../targets/open.ts';
import { startServer } from './server.ts';

export const SERVE_USAGE = `embedgate serve --model <name|path.gguf> [options]

  --model <name|path>     baseline, candidate, another name from suites/models.yaml, or a .gguf file
  --port <n>              default 8080 (0 = any free port)
  --host <addr>           default 127.0.0.1
  --overflow <policy>     input longer than the context: error (400, default) or truncate
  --contexts <n>          embedding contexts in the pool (default: from the cores, see README)
  --threads <n>           threads per context (default 1)
  --queue <n>             most texts queued or running; more get 503 + Retry-After (default 1024)
  --max-inputs <n>        most inputs per request (default 2048)
  --cache-mb <n>          embedding cache size, 0 disables (default 64)
  --prefix <text>         put before every input (default none: clients send prefixed text)
  --max-crashes <n>       worker crashes within 60 s that open the circuit breaker (default 3)
  --cooldown <s>          how long the circuit stays open before one trial restart (default 30)
  --fault-injection       answer POST /debug/faults/corrupt-cache?count=N (fault suites only; off by default)
  --mcp                   also serve MCP (tools embed and search) over Streamable HTTP at /mcp (docs/mcp.md)
  --stdio                 with --mcp: serve MCP on stdin/stdout instead (logs on stderr; HTTP on --port, default any free port)
  --stateless             with --mcp: also answer requests without Mcp-Session-Id, each on its own
  --index-corpus <dir>    with --mcp: the search tool's corpus, a BEIR folder with corpus.jsonl (default ts-api)
  --index-max-docs <n>    with --mcp: index only the first n documents

Endpoints: POST /v1/embeddings, GET /v1/models, GET /health, GET /metrics (Prometheus); with --mcp, /mcp.`;

function count(value: string | undefined, name: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new ServeUsageError(`--${name} expects a whole number ≥ ${min}, got "${value}"`);
  return n;
}

export class ServeUsageError extends Error {}

/** Returns the exit code: 0 after a clean shutdown, 2 for bad usage, 3 if the model cannot be loaded. */
export async function serveCommand(argv: string[], out: { log: (line: string) => void } = { log: (l) => process.stderr.write(`${l}\n`) }): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        overflow: { type: 'string' },
        contexts: { type: 'string' },
        threads: { type: 'string' },
        queue: { type: 'string' },
        'max-inputs': { type: 'string' },
        'cache-mb': { type: 'string' },
        prefix: { type: 'string' },
        'max-crashes': { type: 'string' },
        cooldown: { type: 'string' },
        'fault-injection': { type: 'boolean' },
        mcp: { type: 'boolean' },
        stdio: { type: 'boolean' },
        stateless: { type: 'boolean' },
        'index-corpus': { type: 'string' },
        'index-max-docs': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
    if (values.help) {
      process.stdout.write(`${SERVE_USAGE}\n`);
      return EXIT.pass;
    }
    if (!values.model) throw new ServeUsageError('serve needs --model <name|path.gguf>');
    if (values.overflow !== undefined && values.overflow !== 'error' && values.overflow !== 'truncate') {
      throw new ServeUsageError(`--overflow expects error or truncate, got "${values.overflow}"`);
    }
  } catch (err) {
    out.log(`embedgate serve: ${(err as Error).message}\n\n${SERVE_USAGE}`);
    return EXIT.usage;
  }
  let server;
  let mcpSetup: typeof import('../mcp/server/serve-setup.ts') | undefined;
  try {
    const contexts = count(values.contexts, 'contexts');
    const threads = count(values.threads, 'threads');
    mcpSetup = values.mcp || values.stdio || values.stateless || values['index-corpus'] || values['index-max-docs'] ? await import('../mcp/server/serve-setup.ts') : undefined;
    const frontEnd = mcpSetup?.mcpServeSetup(values, out.log);
    const model = await new TargetPool({ env: process.env, onLog: out.log }).resolve(values.model);
    server = await startServer({
      model,
      host: values.host ?? '127.0.0.1',
      // MCP on stdio is started by an MCP client, often several at once: any free port for /health and /metrics.
      port: count(values.port, 'port', 0) ?? (values.stdio ? 0 : 8080),
      target: {
        ...(contexts !== undefined ? { contexts } : {}),
        ...(threads !== undefined ? { threads } : {}),
        overflow: (values.overflow as 'error' | 'truncate' | undefined) ?? 'error',
      },
      ...(values.queue !== undefined ? { queueCapacity: count(values.queue, 'queue')! } : {}),
      ...(values['max-inputs'] !== undefined ? { maxInputs: count(values['max-inputs'], 'max-inputs')! } : {}),
      ...(values['cache-mb'] !== undefined ? { cacheBytes: count(values['cache-mb'], 'cache-mb', 0)! * 1024 * 1024 } : {}),
      ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
      supervisor: {
        ...(values['max-crashes'] !== undefined ? { maxCrashes: count(values['max-crashes'], 'max-crashes')! } : {}),
        ...(values.cooldown !== undefined ? { cooldownMs: count(values.cooldown, 'cooldown', 0)! * 1000 } : {}),
        // Test-only: a server that gives up on a model file refused at a restart, to show the fault suite fails it.
        ...(process.env['EMBEDGATE_TEST_REFUSED_FILE_IS_FINAL'] === '1' ? { refusedFileIsFinal: true } : {}),
      },
      ...(values['fault-injection'] ? { faultInjection: true } : {}),
      // Test-only: a server that does not check its cache, to show the fault suite catches what it serves.
      ...(process.env['EMBEDGATE_TEST_UNCHECKED_CACHE'] === '1' ? { cacheChecksums: false } : {}),
      onLog: out.log,
      ...(frontEnd ? { frontEnd } : {}),
    });
  } catch (err) {
    if (err instanceof ServeUsageError || err instanceof ModelResolutionError || (mcpSetup && err instanceof mcpSetup.McpUsageError)) {
      out.log(`embedgate serve: ${err.message}`);
      return EXIT.usage;
    }
    out.log(`embedgate serve: ${(err as Error).message}`);
    return EXIT.inconclusive;
  }
  out.log(`serve: listening on ${server.url} (model ${values.model} loading)`);
  const s = server;
  return await new Promise<number>((resolve) => {
    let code: number = EXIT.pass;
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      out.log(`serve: ${signal}, finishing requests in flight`);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      void s.stop().then(() => resolve(code));
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
    void s.frontEnd?.ended?.then((why) => stop(why));
    s.ready.catch((err: unknown) => {
      if (stopping) return;
      // Loading failed for good (preflight, checksum): no point serving 503 forever.
      out.log(`embedgate serve: ${err instanceof ModelLoadError ? err.message : String(err)}`);
      code = EXIT.inconclusive;
      stop('model failed to load');
    });
  });
}
