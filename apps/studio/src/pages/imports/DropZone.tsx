import { useRef, useState, type DragEvent } from 'react';
import { Icon } from '../../components/Icon';
import { formatBytes } from '../../lib/format';

const ACCEPT = '.csv,.jsonl,.ndjson,text/csv,application/x-ndjson';

export function DropZone({ file, onFile, disabled }: { file: File | null; onFile(f: File | null): void; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (disabled) return;
    const f = e.dataTransfer.files?.[0];
    if (f) onFile(f);
  };

  return (
    <div
      className={`dropzone ${over ? 'is-over' : ''} ${file ? 'has-file' : ''} ${disabled ? 'is-disabled' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        if (!disabled) setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      data-testid="dropzone"
    >
      <input
        ref={input}
        type="file"
        accept={ACCEPT}
        hidden
        onChange={(e) => {
          onFile(e.target.files?.[0] ?? null);
          e.target.value = '';
        }}
        data-testid="import-file-input"
      />
      {file ? (
        <div className="dropzone-file">
          <Icon name="file" size={22} />
          <div>
            <div className="dropzone-name" data-testid="import-file-name">
              {file.name}
            </div>
            <div className="muted small">{formatBytes(file.size)}</div>
          </div>
          {!disabled && (
            <button type="button" className="link-btn" onClick={() => input.current?.click()}>
              Choose another file
            </button>
          )}
        </div>
      ) : (
        <>
          <div className="dropzone-icon">
            <Icon name="upload" size={22} />
          </div>
          <div className="dropzone-text">
            <strong>Drop a CSV or JSON Lines file here</strong>
            <span className="muted">
              or{' '}
              <button type="button" className="link-btn" onClick={() => input.current?.click()} disabled={disabled} data-testid="import-browse">
                browse your computer
              </button>
            </span>
          </div>
          <div className="muted small">New slugs are created as drafts; existing slugs get a new version, unless the row matches it already.</div>
        </>
      )}
    </div>
  );
}
