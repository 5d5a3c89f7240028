/** Self time per function and per area from a V8 .cpuprofile (what `node --cpu-prof` writes). */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  name: string;
  location: string;
  area: string;
  selfMs: number;
  /** Share of the profile's busy (non-idle) time. */
  share: number;
}

export interface ProfileSummary {
  busyMs: number;
  areas: { area: string; selfMs: number; share: number }[];
  functions: FunctionTime[];
}

/** Which part of the stack a function belongs to, from its script URL. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(idle)') return 'idle';
    return functionName === '(program)' ? 'V8 / native' : 'native';
  }
  if (url.includes('/packages/core/')) return 'our processor';
  if (url.includes('/packages/delivery/')) return 'our delivery';
  if (url.includes('/@opentelemetry/')) return 'OpenTelemetry SDK';
  if (url.includes('/@openai/agents')) return 'Agents SDK';
  if (url.includes('/openai/')) return 'openai client';
  if (url.includes('/zod/')) return 'zod';
  if (url.includes('/bench/')) return 'bench harness';
  if (url.startsWith('node:')) return 'Node core';
  return 'other';
}

function shortLocation(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, '');
  const marker = ['/packages/', '/node_modules/.pnpm/', '/bench/'].find((m) => url.includes(m));
  let path = marker ? url.slice(url.indexOf(marker) + 1) : url;
  // pnpm's store path repeats the package name: keep what follows node_modules/.
  const nested = path.lastIndexOf('node_modules/');
  if (nested >= 0) path = path.slice(nested + 'node_modules/'.length);
  return path ? `${path}:${frame.lineNumber + 1}` : '';
}

export function summariseProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i + 1] is the time spent in the frame sampled at i.
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const functions = new Map<string, FunctionTime>();
  const areas = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const area = areaOf(frame);
    if (area === 'idle') continue;
    busyUs += us;
    areas.set(area, (areas.get(area) ?? 0) + us);
    const location = shortLocation(frame);
    const key = `${frame.functionName}@${location}`;
    const entry = functions.get(key) ?? { name: frame.functionName || '(anonymous)', location, area, selfMs: 0, share: 0 };
    entry.selfMs += us / 1000;
    functions.set(key, entry);
  }
  const busyMs = busyUs / 1000;
  for (const entry of functions.values()) entry.share = entry.selfMs / busyMs;
  return {
    busyMs,
    areas: [...areas]
      .map(([area, us]) => ({ area, selfMs: us / 1000, share: us / busyUs }))
      .sort((a, b) => b.selfMs - a.selfMs),
    functions: [...functions.values()].sort((a, b) => b.selfMs - a.selfMs),
  };
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`.padStart(6);

export function renderSummary(title: string, summary: ProfileSummary, top = 25): string {
  const lines = [`${title}: ${summary.busyMs.toFixed(0)} ms busy`, '', 'by area (self time):'];
  for (const a of summary.areas) lines.push(`  ${percent(a.share)}  ${a.area}`);
  lines.push('', `top ${top} functions (self time):`);
  for (const f of summary.functions.slice(0, top)) {
    lines.push(`  ${percent(f.share)}  ${f.name}  [${f.area}]  ${f.location}`);
  }
  const ours = summary.functions.filter((f) => f.area === 'our processor' || f.area === 'OpenTelemetry SDK');
  lines.push('', 'top functions in our processor and the OpenTelemetry SDK:');
  for (const f of ours.slice(0, top)) lines.push(`  ${percent(f.share)}  ${f.name}  ${f.location}`);
  return lines.join('\n');
}
