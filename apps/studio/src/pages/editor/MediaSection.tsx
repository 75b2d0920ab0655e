import { useState } from 'react';
import { Field } from '../../components/Field';
import { formatDuration, parseDuration } from '../../lib/format';
import type { Requirement } from '../../api/types';
import { fieldRequirement, type ItemForm } from './form';
import type { SectionProps } from './sectionProps';

function durationHint(text: string): string {
  const s = parseDuration(text);
  if (s === null || s === undefined) return 'Seconds (600) or minutes:seconds (10:00).';
  const m = Math.floor(s / 60);
  return `${formatDuration(s)} — ${m ? `${m} min ` : ''}${s % 60 ? `${s % 60} s` : m ? '' : '0 s'}`.trim();
}

function Artwork({ url }: { url: string }) {
  const [failed, setFailed] = useState<string | null>(null);
  if (!/^https?:\/\//.test(url.trim())) return <div className="artwork-preview artwork-empty">No artwork</div>;
  if (failed === url) return <div className="artwork-preview artwork-empty">Cannot load</div>;
  return <img className="artwork-preview" src={url} alt="Artwork preview" onError={() => setFailed(url)} />;
}

export function MediaSection({ form, kind, onChange, errors, readOnly }: SectionProps) {
  const url = (key: 'audioUrl' | 'videoUrl' | 'artworkUrl', label: string, req: Requirement | undefined, hint?: string) => {
    if (req === 'NONE') return null;
    const path = `media.${key}`;
    const id = `f-media-${key}`;
    return (
      <Field label={label} htmlFor={id} requirement={fieldRequirement(req)} error={errors[path]} hint={hint}>
        <input
          id={id}
          className={`input mono ${errors[path] ? 'is-invalid' : ''}`}
          type="url"
          inputMode="url"
          placeholder="https://cdn.example.com/…"
          value={form[key]}
          disabled={readOnly}
          aria-invalid={!!errors[path]}
          onChange={(e) => onChange({ [key]: e.target.value } as Partial<ItemForm>)}
          data-testid={`field-${key}`}
        />
      </Field>
    );
  };
  const playableHint =
    kind?.media.playable && kind.media.audio === 'OPTIONAL' && kind.media.video === 'OPTIONAL' ? 'An audio or a video file is needed to launch.' : undefined;
  return (
    <section className="card" data-testid="media-section">
      <div className="card-header">
        <h2>Media</h2>
        <span className="muted small">Checked in the background after each save.</span>
      </div>
      <div className="card-body media-layout">
        <div className="form-stack">
          {kind?.duration !== 'NONE' && (
            <Field
              label="Duration"
              htmlFor="f-durationSeconds"
              requirement={fieldRequirement(kind?.duration)}
              error={errors.durationSeconds}
              hint={durationHint(form.duration)}
            >
              <input
                id="f-durationSeconds"
                className={`input input-narrow ${errors.durationSeconds ? 'is-invalid' : ''}`}
                placeholder="10:00"
                value={form.duration}
                disabled={readOnly}
                aria-invalid={!!errors.durationSeconds}
                onChange={(e) => onChange({ duration: e.target.value })}
                data-testid="field-duration"
              />
            </Field>
          )}
          {url('audioUrl', 'Audio URL', kind?.media.audio, playableHint)}
          {url('videoUrl', 'Video URL', kind?.media.video)}
          {url('artworkUrl', 'Artwork URL', kind?.media.artwork)}
        </div>
        {kind?.media.artwork !== 'NONE' && <Artwork url={form.artworkUrl} />}
      </div>
    </section>
  );
}
