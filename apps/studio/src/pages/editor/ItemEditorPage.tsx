import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { createItem, fetchItem, fetchItemsByIds, updateItem } from '../../api/catalog';
import { useContentKinds } from '../../lib/reference-data';
import { ApiError, toApiError } from '../../api/client';
import type { ContentKind, ItemDetail, ReadinessProblem } from '../../api/types';
import { canWrite, useCurrentUser } from '../../auth/AuthContext';
import { Badge, StateBadge } from '../../components/Badge';
import { Banner, ErrorBanner } from '../../components/Banner';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { LoadingState } from '../../components/Spinner';
import { Tabs } from '../../components/Tabs';
import { useToast } from '../../components/Toast';
import { Time } from '../../components/Time';
import { useDocumentTitle } from '../../lib/hooks';
import { AssetsPanel } from './AssetsPanel';
import { AttributesSection } from './AttributesSection';
import { BasicsSection } from './BasicsSection';
import { emptyForm, fieldId, formFromFields, formToInput, sameForm, slugify, type ItemForm } from './form';
import { LocaleSummary } from './LocaleSummary';
import { LocalizedSection } from './LocalizedSection';
import { MediaSection } from './MediaSection';
import { ReadinessPanel } from './ReadinessPanel';
import { SessionsEditor } from './SessionsEditor';
import { TagsSection } from './TagsSection';
import { VersionHistory } from './VersionHistory';
import { WorkflowBar } from './WorkflowBar';

type Tab = 'details' | 'history';

/** Field paths the form shows next to an input; any other problem is listed in the banner. */
function isPlaced(field: string, kind: ContentKind | undefined): boolean {
  if (/^(slug|kind|defaultLocale|locales|durationSeconds|availability|minAppVersion|topics|collections|platforms)(\[\d+\])?$/.test(field)) return true;
  if (/^localized\.[^.]+\.(title|subtitle|description)$/.test(field)) return true;
  if (/^media\.(audioUrl|videoUrl|artworkUrl)$/.test(field)) return true;
  if (/^attributes\./.test(field)) return !!kind?.attributes.some((a) => `attributes.${a.key}` === field);
  if (/^sessions(\[\d+\])?$/.test(field)) return !!kind?.hasSessions;
  return false;
}

interface Conflict {
  latest: number;
  base: number;
}

export function ItemEditorPage() {
  const { id } = useParams();
  const isNew = !id;
  const user = useCurrentUser();
  const readOnly = !canWrite(user);
  const navigate = useNavigate();
  const toast = useToast();
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('tab') === 'history' && !isNew ? 'history' : 'details';

  const kindsQuery = useContentKinds();
  const kinds = kindsQuery.data ?? [];
  const [item, setItem] = useState<ItemDetail | null>(null);
  const [baseline, setBaseline] = useState<ItemForm | null>(isNew ? emptyForm() : null);
  const [form, setForm] = useState<ItemForm | null>(isNew ? emptyForm() : null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [saving, setSaving] = useState(false);
  const [activeLocale, setActiveLocale] = useState('en');
  const [slugTouched, setSlugTouched] = useState(!isNew);
  const kind = kinds.find((k) => k.key === form?.kind);

  useDocumentTitle(isNew ? 'New item' : (item?.title ?? 'Item'));

  /** Puts a saved item into the editor: the form becomes exactly what the server stored. */
  const adopt = useCallback(async (it: ItemDetail, keepLocale = true) => {
    const sessions = await fetchItemsByIds(it.latestVersion.fields.sessions);
    const f = formFromFields(it.latestVersion.fields, sessions);
    setItem(it);
    setForm(f);
    setBaseline(f);
    setErrors({});
    setSaveError(null);
    setConflict(null);
    setActiveLocale((l) => (keepLocale && f.locales.includes(l) ? l : f.defaultLocale));
  }, []);

  const load = useCallback(async () => {
    if (!id) return;
    setLoadError(null);
    try {
      await adopt(await fetchItem(id), false);
    } catch (e) {
      setLoadError(toApiError(e));
    }
  }, [id, adopt]);

  useEffect(() => {
    void load();
  }, [load]);

  const dirty = !!form && !!baseline && !sameForm(form, baseline);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const patch = (p: Partial<ItemForm>) => {
    setForm((f) => {
      if (!f) return f;
      const next = { ...f, ...p };
      // A new item's slug follows its default-locale title until the editor types a slug of their own.
      if (isNew && !slugTouched && p.localized) next.slug = slugify(next.localized[next.defaultLocale]?.title ?? '');
      return next;
    });
  };

  const changeKind = (key: string) => {
    const k = kinds.find((x) => x.key === key);
    setForm(
      (f) =>
        f && {
          ...f,
          kind: key,
          attributes: Object.fromEntries(Object.entries(f.attributes).filter(([a]) => k?.attributes.some((x) => x.key === a))),
          sessions: k?.hasSessions ? f.sessions : [],
        },
    );
  };

  /** After a refused save, bring the first marked field into view. */
  const revealFirstError = () =>
    setTimeout(() => {
      const el = document.querySelector<HTMLElement>('.editor-main .field.has-error, .editor-main .session-row.has-error');
      el?.scrollIntoView({ behavior: 'smooth', block: 'center' });
      el?.querySelector<HTMLElement>('input, textarea, select')?.focus({ preventScroll: true });
    }, 0);

  const save = useCallback(async () => {
    if (!form || readOnly || saving) return;
    const { input, problems } = formToInput(form, kind);
    if (problems.length) {
      setErrors(Object.fromEntries(problems.map((p) => [p.field, p.message])));
      setSaveError(new ApiError('BAD_USER_INPUT', 'Fix the highlighted fields, then save again.'));
      revealFirstError();
      return;
    }
    setSaving(true);
    setSaveError(null);
    setConflict(null);
    try {
      if (isNew) {
        const created = await createItem(input);
        setBaseline(form);
        toast.success(`Created "${created.title}" as draft v1.`);
        navigate(`/content/${created.id}`, { replace: true });
      } else if (item) {
        const saved = await updateItem(item.id, input, item.latestVersionNumber);
        await adopt(saved);
        toast.success(`Saved v${saved.latestVersionNumber}.`);
      }
    } catch (e) {
      const err = toApiError(e);
      const latest = Number(err.extensions.latestVersion);
      if (err.code === 'CONFLICT' && Number.isFinite(latest) && item) {
        setConflict({ latest, base: Number(err.extensions.baseVersion ?? item.latestVersionNumber) });
      } else {
        setErrors(err.problemMap());
        setSaveError(err);
        const firstLocale = err.problems.map((p) => /^localized\.([^.]+)\./.exec(p.field)?.[1]).find(Boolean);
        if (firstLocale && !err.problems.some((p) => p.field.startsWith(`localized.${activeLocale}.`))) setActiveLocale(firstLocale);
        if (err.problems.length) revealFirstError();
        else window.scrollTo({ top: 0, behavior: 'smooth' });
      }
    } finally {
      setSaving(false);
    }
  }, [form, readOnly, saving, kind, isNew, item, toast, navigate, adopt, activeLocale]);

  const saveRef = useRef(save);
  saveRef.current = save;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.metaKey || e.ctrlKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void saveRef.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const jump = (p: ReadinessProblem | { field: string; locale?: string | null }) => {
    const loc = p.locale ?? /^localized\.([^.]+)\./.exec(p.field)?.[1];
    if (loc) setActiveLocale(loc);
    if (tab !== 'history') {
      setTimeout(() => {
        const el = document.getElementById(fieldId(p.field)) ?? document.getElementById(fieldId(p.field.split('.')[0]));
        el?.scrollIntoView({ behavior: 'smooth', block: 'center' });
        el?.focus({ preventScroll: true });
      }, 0);
    }
  };

  const discard = () => {
    if (!baseline) return;
    setForm(baseline);
    setErrors({});
    setSaveError(null);
  };

  const setTab = (t: Tab) => {
    const next = new URLSearchParams(params);
    if (t === 'history') next.set('tab', 'history');
    else next.delete('tab');
    setParams(next, { replace: true });
  };

  const unplaced = useMemo(() => (saveError ? saveError.problems.filter((p) => !isPlaced(p.field, kind)) : []), [saveError, kind]);

  if (isNew && readOnly) {
    return (
      <div className="page">
        <EmptyState icon="lock" title="Analysts can't create items" testId="forbidden">
          Your role reads everything and changes nothing. Ask an admin for an editor role.
        </EmptyState>
      </div>
    );
  }

  const pageError = loadError ?? kindsQuery.error;
  if (pageError) {
    return (
      <div className="page">
        <PageHeader title="Item" back={{ to: '/content', label: 'Content' }} />
        {pageError.code === 'NOT_FOUND' ? (
          <EmptyState icon="search" title="This item does not exist" testId="item-not-found">
            It may have been removed, or the link is wrong.
          </EmptyState>
        ) : (
          <ErrorBanner
            error={pageError}
            onRetry={() => {
              if (kindsQuery.error) void kindsQuery.reload();
              if (loadError) void load();
            }}
          />
        )}
      </div>
    );
  }

  if (!form || (!isNew && !item) || kinds.length === 0) {
    return (
      <div className="page">
        <LoadingState label="Loading the item…" />
      </div>
    );
  }

  const title = isNew ? form.localized[form.defaultLocale]?.title.trim() || 'New item' : item!.title;

  return (
    <div className="page page-editor" data-testid="item-editor">
      <PageHeader
        back={{ to: '/content', label: 'Content' }}
        title={title}
        meta={
          <div className="title-meta">
            {item && <StateBadge state={item.state} />}
            {item && (
              <Badge tone="neutral" testId="latest-version">
                v{item.latestVersionNumber}
              </Badge>
            )}
            {item && (
              <span className="muted small" data-testid="live-version" data-live={item.liveVersion?.number ?? ''}>
                {item.liveVersion ? `Live: v${item.liveVersion.number}` : 'Not live'}
              </span>
            )}
            {kind && <span className="muted small">· {kind.label}</span>}
            {readOnly && <Badge tone="neutral">Read only</Badge>}
          </div>
        }
        subtitle={
          item && (
            <>
              Last saved <Time iso={item.updatedAt} />
              {item.latestVersion.author ? ` by ${item.latestVersion.author.displayName}` : ''}
            </>
          )
        }
        actions={
          !readOnly && (
            <>
              {dirty && (
                <span className="unsaved" data-testid="unsaved">
                  Unsaved changes
                </span>
              )}
              {dirty && !isNew && (
                <Button variant="ghost" onClick={discard} disabled={saving} data-testid="discard-changes">
                  Discard
                </Button>
              )}
              <Button variant="primary" onClick={() => void save()} loading={saving} disabled={!isNew && !dirty} data-testid="save-item" title="Save (Ctrl+S)">
                {isNew ? 'Create item' : 'Save'}
              </Button>
            </>
          )
        }
      />

      {!isNew && (
        <Tabs<Tab>
          className="page-tabs"
          active={tab}
          onChange={setTab}
          tabs={[
            { key: 'details', label: 'Details', testId: 'tab-details' },
            { key: 'history', label: `History (${item!.latestVersionNumber})`, testId: 'tab-history' },
          ]}
        />
      )}

      {item && <WorkflowBar item={item} dirty={dirty} readOnly={readOnly} onState={(state) => setItem((it) => it && { ...it, state })} />}

      {conflict && (
        <Banner
          tone="warning"
          title="Someone else saved this item"
          testId="conflict-banner"
          actions={
            <Button variant="primary" size="sm" onClick={() => void load()} data-testid="conflict-reload">
              Reload v{conflict.latest}
            </Button>
          }
        >
          Someone saved v{conflict.latest} since you opened v{conflict.base} — reload to see their changes, then reapply yours. Reloading discards your unsaved
          edits.
        </Banner>
      )}
      {saveError && <ErrorBanner error={saveError} unplaced={unplaced} onDismiss={() => setSaveError(null)} />}

      {tab === 'history' && item ? (
        <VersionHistory
          item={item}
          canRestore={!readOnly}
          onRestored={(it) => {
            void adopt(it);
          }}
        />
      ) : (
        <div className="editor-grid">
          <div className="editor-main">
            <BasicsSection
              form={form}
              kind={kind}
              kinds={kinds}
              isNew={isNew}
              errors={errors}
              readOnly={readOnly}
              onChange={patch}
              onKindChange={changeKind}
              onSlugEdit={(slug) => {
                setSlugTouched(true);
                patch({ slug });
              }}
            />
            <LocalizedSection form={form} kind={kind} active={activeLocale} onActive={setActiveLocale} onChange={patch} errors={errors} readOnly={readOnly} />
            <MediaSection form={form} kind={kind} onChange={patch} errors={errors} readOnly={readOnly} />
            <AttributesSection form={form} kind={kind} onChange={patch} errors={errors} readOnly={readOnly} />
            {kind?.hasSessions && (
              <section className="card" data-testid="sessions-section">
                <div className="card-header">
                  <h2>
                    Sessions <span className="req">*</span>
                  </h2>
                  <span className="muted small">In the order listeners take them.</span>
                </div>
                <div className="card-body">
                  <SessionsEditor
                    sessions={form.sessions}
                    onChange={(sessions) => patch({ sessions })}
                    selfId={item?.id ?? null}
                    kinds={kinds}
                    errors={errors}
                    readOnly={readOnly}
                  />
                </div>
              </section>
            )}
            <TagsSection form={form} kind={kind} onChange={patch} errors={errors} readOnly={readOnly} />
          </div>
          <aside className="editor-side">
            <ReadinessPanel problems={item ? item.readiness : null} version={item?.latestVersionNumber ?? null} dirty={dirty} onJump={jump} />
            <LocaleSummary form={form} kind={kind} onPick={(l) => setActiveLocale(l)} />
            {item && (
              <AssetsPanel
                key={item.latestVersionNumber}
                itemId={item.id}
                assets={item.assets}
                onAssets={(assets) => setItem((it) => it && { ...it, assets })}
                canRecheck={!readOnly}
              />
            )}
          </aside>
        </div>
      )}
    </div>
  );
}
