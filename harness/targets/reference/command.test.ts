// A reference server started from a command: ready once its path answers, gone once stopped, and
// gone too when it fails to become ready; {model} and {port} are filled in.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../../http-client/testing/processes.ts';
import { fillCommand, ReferenceProcess } from './command.ts';

const SERVER = fileURLToPath(new URL('../../http-client/testing/misbehaving-server.ts', import.meta.url));

describe('reference command', () => {
  it('fills {model} and {port}, and refuses {model} without a model file', () => {
    expect(fillCommand(['srv', '-m', '{model}', '--port={port}'], { model: '/m.gguf', port: 8081 })).toEqual(['srv', '-m', '/m.gguf', '--port=8081']);
    expect(() => fillCommand(['srv', '{model}'], { port: 1 })).toThrow('names {model}, but the target has no GGUF file');
  });

  it('starts the server on 127.0.0.1, answers once ready, and leaves no process once stopped', async () => {
    const proc = await ReferenceProcess.start({ command: [process.execPath, '--import', 'tsx', SERVER, '--port', '{port}'], ready: '/health', readyTimeoutMs: 30_000 });
    expect(proc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${proc.url}/v1/models`)).status).toBe(200);
    expect(isAlive(proc.pid)).toBe(true);
    await proc.stop();
    expect(isAlive(proc.pid)).toBe(false);
    expect(proc.crashes()).toEqual([]);
  });

  it('says why it never became ready, and leaves nothing behind', async () => {
    await expect(ReferenceProcess.start({ command: [process.execPath, '-e', 'console.log("no model"); process.exit(3)'], ready: '/health', readyTimeoutMs: 30_000 })).rejects.toThrow(/exited before it was ready \(code 3\)\nno model/);
    // Listens nowhere: the ready timeout bounds it, and the process is killed.
    const err = await ReferenceProcess.start({ command: [process.execPath, '-e', 'setInterval(() => {}, 1000); console.log(process.pid)'], ready: '/health', readyTimeoutMs: 1500 }).catch((e: Error) => e);
    expect(String(err)).toContain('/health did not answer 200 within 2 s');
    const pid = Number(/\n(\d+)/.exec(String(err))?.[1]);
    expect(isAlive(pid)).toBe(false);
    await expect(ReferenceProcess.start({ command: ['/no/such/binary', '{port}'], ready: '/health', readyTimeoutMs: 5000 })).rejects.toThrow(/could not start \(spawn \/no\/such\/binary ENOENT\)/);
  });
});
