import type { ReadinessProblem } from '../../api/types';
import { Icon } from '../../components/Icon';

/** What blocks the latest saved version from launch; each entry jumps to its field. */
export function ReadinessPanel({
  problems,
  version,
  dirty,
  onJump,
}: {
  problems: ReadinessProblem[] | null;
  version: number | null;
  dirty: boolean;
  onJump(p: ReadinessProblem): void;
}) {
  return (
    <section className="card side-card" data-testid="readiness">
      <div className="card-header">
        <h2>Launch readiness</h2>
        {version !== null && <span className="muted small">v{version}</span>}
      </div>
      <div className="card-body">
        {problems === null ? (
          <p className="muted small">Save the item to see what it still needs before it can launch.</p>
        ) : problems.length === 0 ? (
          <div className="ready-ok" data-testid="readiness-ok">
            <Icon name="check" /> Ready to launch
          </div>
        ) : (
          <>
            <p className="small muted">
              {problems.length} {problems.length === 1 ? 'thing blocks' : 'things block'} launch:
            </p>
            <ul className="readiness-list">
              {problems.map((p, i) => (
                <li key={`${p.field}-${i}`}>
                  <button type="button" className="readiness-item" onClick={() => onJump(p)} data-testid="readiness-problem">
                    <Icon name="alert" size={14} />
                    <span>{p.message.charAt(0).toUpperCase() + p.message.slice(1)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
        {dirty && problems !== null && <p className="small muted readiness-note">Reflects the last saved version; save to update.</p>}
      </div>
    </section>
  );
}
