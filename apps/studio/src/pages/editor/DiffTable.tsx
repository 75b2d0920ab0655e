import type { FieldChange } from '../../api/types';

function Value({ v }: { v: unknown }) {
  if (v === null || v === undefined || v === '') return <span className="muted">—</span>;
  if (Array.isArray(v)) {
    if (!v.length) return <span className="muted">(none)</span>;
    return (
      <span className="diff-list">
        {v.map((x, i) => (
          <code key={i}>{typeof x === 'string' ? x : JSON.stringify(x)}</code>
        ))}
      </span>
    );
  }
  if (typeof v === 'object') return <code>{JSON.stringify(v)}</code>;
  return <span className="diff-text">{String(v)}</span>;
}

export function DiffTable({ changes }: { changes: FieldChange[] }) {
  return (
    <table className="table diff-table" data-testid="diff-table">
      <thead>
        <tr>
          <th style={{ width: '24%' }}>Field</th>
          <th style={{ width: '38%' }}>Before</th>
          <th style={{ width: '38%' }}>After</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.path} data-testid="diff-row" data-path={c.path}>
            <td>
              <code className="diff-path">{c.path}</code>
            </td>
            <td className="diff-before">
              <Value v={c.before} />
            </td>
            <td className="diff-after">
              <Value v={c.after} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
