/** A V8 CPU profile as `node --cpu-prof` writes it. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where one profiled process spent its time, as shares of the profiled wall time. */
export interface ProfileSummary {
  wallMs: number;
  /** Share of samples in which the thread waited (the `(idle)` node). */
  idleShare: number;
  gcShare: number;
  /** Self time by package (`kafkajs`, `pg`, `avsc`, `node:internal`, `@dsr/…`), largest first. */
  byPackage: { name: string; share: number }[];
  /** Self time by function, largest first. */
  byFunction: { name: string; share: number }[];
}

/** The package a script URL belongs to: a node_modules package, a workspace, or node itself. */
export function packageOf(url: string): string {
  if (url === '') return '(native)';
  if (url.startsWith('node:')) return 'node:internal';

  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1]!;
  const workspace = /\/(packages\/[^/]+|services\/[^/]+|simulator|cli|bench)\//.exec(url);
  return workspace ? workspace[1]! : url;
}

/** Sums self time per node, then per package and per function. */
export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((nodeId, index) => {
    selfUs.set(nodeId, (selfUs.get(nodeId) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;

  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let idleUs = 0;
  let gcUs = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') idleUs += us;
    if (functionName === '(garbage collector)') gcUs += us;
    if (us === 0 || functionName === '(idle)') continue;

    const pkg = packageOf(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const name = `${functionName || '(anonymous)'} ${pkg}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }

  const ranked = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, share: us / totalUs }));
  return {
    wallMs: (profile.endTime - profile.startTime) / 1000,
    idleShare: idleUs / totalUs,
    gcShare: gcUs / totalUs,
    byPackage: ranked(byPackage),
    byFunction: ranked(byFunction),
  };
}
