import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { AssetCheckEntity, ItemEntity, ItemVersionEntity, compareAppVersions, launchReadiness, mediaUrls } from '@marquee/catalog';
import { ReleaseActionEntity } from '../entities/release-action.entity';
import { ReleaseEntity } from '../entities/release.entity';
import { ReviewService } from './review.service';

interface ValidationIssue {
  code: string;
  itemId: string | null;
  message: string;
}

export interface ValidationReport {
  blocking: ValidationIssue[];
  warnings: ValidationIssue[];
}

/**
 * Everything that must hold for a release to launch, computed fresh from the database every time it is asked:
 * while the editor composes, when they schedule, and again inside the launch transaction. Nothing is cached, so a
 * release marked blocked can never publish on a stale "valid" flag.
 */
@Injectable()
export class ReleaseValidator {
  constructor(private readonly reviews: ReviewService) {}

  async validate(m: EntityManager, release: ReleaseEntity): Promise<ValidationReport> {
    const blocking: ValidationIssue[] = [];
    const warnings: ValidationIssue[] = [];
    const actions = await m.find(ReleaseActionEntity, { where: { releaseId: release.id }, order: { addedAt: 'ASC' } });
    if (!actions.length) blocking.push({ code: 'EMPTY', itemId: null, message: 'The release has no items. Add at least one item to publish or unpublish.' });

    const items = await m.find(ItemEntity, { where: { id: In(actions.map((a) => a.itemId)) } });
    const itemById = new Map(items.map((i) => [i.id, i]));
    const pinned = await m.find(ItemVersionEntity, { where: { id: In(actions.map((a) => a.versionId).filter((v): v is string => !!v)) } });
    const pinnedById = new Map(pinned.map((v) => [v.id, v]));
    const review = await this.reviews.statusOf(
      pinned.map((v) => v.id),
      m,
    );
    const liveVersions = await m.find(ItemVersionEntity, { where: { id: In(items.map((i) => i.liveVersionId).filter((v): v is string => !!v)) } });
    const liveById = new Map(liveVersions.map((v) => [v.id, v]));
    const publishing = new Map(actions.filter((a) => a.kind === 'publish').map((a) => [a.itemId, a]));
    const unpublishing = new Set(actions.filter((a) => a.kind === 'unpublish').map((a) => a.itemId));
    const label = (itemId: string, v?: ItemVersionEntity) => `"${itemById.get(itemId)?.title ?? itemId}"${v ? ` v${v.number}` : ''}`;

    const urls = pinned.flatMap((v) => mediaUrls(v.fields));
    const checks = urls.length ? await m.find(AssetCheckEntity, { where: { url: In(urls) } }) : [];
    const checkByUrl = new Map(checks.map((c) => [c.url, c]));

    // Courses whose latest version lists an item as a session: a session must not go live without its course.
    const courses: { id: string; title: string; sessions: string[]; live: boolean }[] = (
      await m.query(
        `SELECT i.id, i.title, i.live_version_id IS NOT NULL AS live, v.fields->'sessions' AS sessions FROM items i JOIN item_versions v ON v.id = i.latest_version_id
          WHERE i.kind = 'course' AND v.fields->'sessions' ?| $1::text[]`,
        [actions.map((a) => a.itemId)],
      )
    ).map((r: { id: string; title: string; live: boolean; sessions: string[] }) => r);

    for (const a of actions) {
      const item = itemById.get(a.itemId);
      if (!item) {
        blocking.push({ code: 'ITEM_MISSING', itemId: a.itemId, message: `Item ${a.itemId} no longer exists. Remove it from the release.` });
        continue;
      }
      if (a.kind === 'unpublish') {
        if (!item.liveVersionId)
          blocking.push({
            code: 'NOT_LIVE',
            itemId: item.id,
            message: `${label(item.id)} is not live, so it cannot be unpublished. Remove it from the release.`,
          });
        for (const c of courses.filter((c) => c.sessions.includes(item.id) && c.live && !unpublishing.has(c.id))) {
          blocking.push({
            code: 'RELATION',
            itemId: item.id,
            message: `${label(item.id)} is a session of the live course "${c.title}". Unpublish the course in this release too, or remove the session from the course first.`,
          });
        }
        continue;
      }
      const v = a.versionId ? pinnedById.get(a.versionId) : undefined;
      if (!v) {
        blocking.push({
          code: 'VERSION_MISSING',
          itemId: item.id,
          message: `The pinned version of ${label(item.id)} no longer exists. Remove the item and add it again.`,
        });
        continue;
      }
      if (item.state === 'retired') {
        blocking.push({
          code: 'RETIRED',
          itemId: item.id,
          message: `${label(item.id)} is retired. Edit it to start a new draft, get it approved, then add it again.`,
        });
      }
      if (review.get(v.id)?.decision !== 'approved') {
        blocking.push({
          code: 'NOT_APPROVED',
          itemId: item.id,
          message: `${label(item.id, v)} is not approved. Only approved versions can launch: submit it for review.`,
        });
      }
      for (const p of launchReadiness(v.fields)) {
        blocking.push({ code: 'INCOMPLETE', itemId: item.id, message: `cannot launch: ${p.message} on ${label(item.id, v)}.` });
      }
      for (const url of mediaUrls(v.fields)) {
        const c = checkByUrl.get(url);
        if (c?.status === 'unreachable')
          blocking.push({
            code: 'ASSET_UNREACHABLE',
            itemId: item.id,
            message: `Media of ${label(item.id, v)} is unreachable: ${url} (${c.error ?? `HTTP ${c.httpStatus}`}). Fix the file or the URL, then re-check.`,
          });
        else if (!c || c.status === 'pending')
          warnings.push({
            code: 'ASSET_PENDING',
            itemId: item.id,
            message: `Media of ${label(item.id, v)} has not been checked yet: ${url}. It is checked again at launch.`,
          });
      }
      for (const sid of v.fields.sessions) {
        const s = await m.findOne(ItemEntity, { where: { id: sid } });
        if (!s) {
          blocking.push({
            code: 'RELATION',
            itemId: item.id,
            message: `${label(item.id, v)} lists a session that no longer exists (${sid}). Edit the course.`,
          });
        } else if (!s.liveVersionId && !publishing.has(sid)) {
          blocking.push({
            code: 'RELATION',
            itemId: item.id,
            message: `Course ${label(item.id, v)} needs its session "${s.title}" live: add it to this release, or launch it first.`,
          });
        } else if (unpublishing.has(sid)) {
          blocking.push({
            code: 'RELATION',
            itemId: item.id,
            message: `Course ${label(item.id, v)} keeps session "${s.title}", which this release unpublishes.`,
          });
        } else {
          const sv = publishing.get(sid)?.versionId
            ? pinnedById.get(publishing.get(sid)!.versionId!)
            : s.liveVersionId
              ? (liveById.get(s.liveVersionId) ?? (await m.findOne(ItemVersionEntity, { where: { id: s.liveVersionId } })))
              : undefined;
          const sMin = sv?.fields.minAppVersion;
          if (sMin && (!v.fields.minAppVersion || compareAppVersions(sMin, v.fields.minAppVersion) > 0)) {
            warnings.push({
              code: 'MIN_APP_VERSION',
              itemId: item.id,
              message: `Session "${s.title}" needs app ${sMin}, but course ${label(item.id, v)} shows from ${v.fields.minAppVersion ?? 'any version'}: older apps get the course without that session.`,
            });
          }
        }
      }
      for (const c of courses.filter((c) => c.sessions.includes(item.id))) {
        if (!c.live && !publishing.has(c.id)) {
          blocking.push({
            code: 'RELATION',
            itemId: item.id,
            message: `${label(item.id, v)} is a session of the course "${c.title}", which is not live. Add the course to this release, or launch it first.`,
          });
        }
      }
      const slugClash = await m.query(
        `SELECT i.id, i.title FROM items i JOIN item_versions lv ON lv.id = i.live_version_id WHERE lv.fields->>'slug' = $1 AND i.id <> $2 LIMIT 1`,
        [v.fields.slug, item.id],
      );
      if (slugClash.length && !unpublishing.has(slugClash[0].id)) {
        blocking.push({
          code: 'SLUG_CONFLICT',
          itemId: item.id,
          message: `${label(item.id, v)} uses the slug "${v.fields.slug}", which the live item "${slugClash[0].title}" already has. Change one of the slugs.`,
        });
      }
      for (const other of actions) {
        const ov = other.versionId ? pinnedById.get(other.versionId) : undefined;
        if (other.itemId < a.itemId && ov && ov.fields.slug === v.fields.slug) {
          blocking.push({
            code: 'SLUG_CONFLICT',
            itemId: item.id,
            message: `${label(item.id, v)} and ${label(other.itemId, ov)} both use the slug "${v.fields.slug}". Change one of them.`,
          });
        }
      }
      const live = item.liveVersionId ? liveById.get(item.liveVersionId) : undefined;
      if (
        live?.fields.minAppVersion !== undefined &&
        v.fields.minAppVersion &&
        (!live.fields.minAppVersion || compareAppVersions(v.fields.minAppVersion, live.fields.minAppVersion) > 0)
      ) {
        warnings.push({
          code: 'MIN_APP_VERSION',
          itemId: item.id,
          message: `${label(item.id, v)} needs app ${v.fields.minAppVersion}; the live version works from ${live.fields.minAppVersion ?? 'any version'}. Users on older apps will stop seeing it.`,
        });
      }
      if (item.latestVersionNumber > v.number) {
        warnings.push({
          code: 'NEWER_DRAFT',
          itemId: item.id,
          message: `${label(item.id, v)} is pinned, but v${item.latestVersionNumber} has been saved since. This release launches v${v.number}.`,
        });
      }
      if (item.liveVersionId === v.id) {
        warnings.push({ code: 'ALREADY_LIVE', itemId: item.id, message: `${label(item.id, v)} is already live; publishing it again changes nothing.` });
      }
    }

    if (actions.length) {
      const overlaps: { item_id: string; name: string; scheduled_at: Date }[] = await m.query(
        `SELECT a.item_id, r.name, r.scheduled_at FROM release_actions a JOIN releases r ON r.id = a.release_id
          WHERE r.status = 'scheduled' AND r.id <> $1 AND a.item_id = ANY($2)`,
        [release.id, actions.map((a) => a.itemId)],
      );
      for (const o of overlaps) {
        warnings.push({
          code: 'OTHER_RELEASE',
          itemId: o.item_id,
          message: `${label(o.item_id)} is also in release "${o.name}", scheduled for ${new Date(o.scheduled_at).toISOString()}. Whichever launches later wins.`,
        });
      }
    }
    return { blocking, warnings };
  }
}
