// report.html's "Profiles" section (html.ts ExtraSections) for a run of `embedgate profile`: per
// server, links to what the profiler wrote, relative to the run directory so the folder can be
// moved. Read from profile/profile.json, so `embedgate report DIR` draws it again.
import type { ExtraSection } from '../report/html.ts';
import { escapeHtml as h } from '../report/html-escape.ts';
import type { RunReport } from '../result.ts';
import { readProfileIndex, type ProfileEntry } from './profile-index.ts';

const link = (path: string, text = path) => `<a href="${h(path)}">${h(text)}</a>`;

function row(e: ProfileEntry): string {
  const links = e.html ? link(e.html, 'clinic page') : (e.cpuProfiles ?? []).map((p) => `${link(p.file)} (${h(p.process)})`).join('<br>');
  const problems = [...(e.error ? [`<strong>no profile</strong>: ${h(e.error)}`] : []), ...(e.notes ?? []).map(h)].join('<br>');
  return `<tr data-profile="${e.n}"><td class="num">${e.n}</td><td><code>${h(e.model)}</code></td><td class="num">${e.serverPid ?? '—'}</td><td>${links || '—'}</td><td>${problems || 'ok'}</td><td class="num">${e.stopMs !== undefined ? h(`${(e.stopMs / 1000).toFixed(1)} s`) : '—'}</td></tr>`;
}

export function profileSections(_report: RunReport, runDir: string): ExtraSection[] {
  const index = readProfileIndex(runDir);
  if (!index) return [];
  const how =
    index.tool === 'cpu-prof'
      ? 'V8 CPU profiles (<code>node --cpu-prof</code> for the server, the same profiler through the inspector for its llama.cpp worker): open one in Chrome DevTools (Performance, "Load profile") or in VS Code.'
      : `clinic ${h(index.tool)} of each <code>embedgate serve</code> process (its HTTP server, queue and cache; the llama.cpp worker is a child process clinic does not analyse: use <code>--tool cpu-prof</code> for it).`;
  return [
    {
      id: 'profiles',
      title: 'Profiles',
      html:
        `<p class="muted">${how} Paths are relative to this report's folder.</p>` +
        `<table><thead><tr><th>server</th><th>model</th><th>pid</th><th>profile</th><th>notes</th><th>stop and analysis</th></tr></thead><tbody>${index.entries.map(row).join('')}</tbody></table>`,
    },
  ];
}
