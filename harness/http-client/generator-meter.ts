// The load generator's own CPU and event loop over a phase, read the same way by every phase
// driver (autocannon over HTTP, MCP tool calls), so a result limited by the generator is not
// blamed on the target whichever protocol drove it.
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { GeneratorLoad } from './phase.ts';

export class GeneratorMeter {
  private readonly cpu = process.cpuUsage();
  private readonly elu: EventLoopUtilization = performance.eventLoopUtilization();

  /** CPU in cores over `elapsedMs` (the phase and its grace); saturated above `saturationCores` (default 0.9). */
  read(elapsedMs: number, saturationCores = 0.9): GeneratorLoad {
    const cpu = process.cpuUsage(this.cpu);
    const elu = performance.eventLoopUtilization(this.elu);
    const cpuCores = (cpu.user + cpu.system) / 1000 / elapsedMs;
    return { cpuCores, eventLoopUtilization: elu.utilization, saturated: cpuCores >= saturationCores };
  }
}
