/**
 * Launch order: an item comes after the items it depends on (a course after its sessions), so that at no point in
 * the transaction does a live course point at a session that is not live. Ties keep the order the editor added them.
 */
export function dependencyOrder<T extends { itemId: string; dependsOn: string[] }>(actions: T[]): T[] {
  const inRelease = new Set(actions.map((a) => a.itemId));
  const byId = new Map(actions.map((a) => [a.itemId, a]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: T[] = [];
  const visit = (a: T) => {
    if (done.has(a.itemId)) return;
    if (visiting.has(a.itemId)) return; // a cycle cannot come from validated content; break it rather than hang
    visiting.add(a.itemId);
    for (const dep of a.dependsOn) if (inRelease.has(dep)) visit(byId.get(dep)!);
    visiting.delete(a.itemId);
    done.add(a.itemId);
    out.push(a);
  };
  actions.forEach(visit);
  return out;
}
