import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountsService } from '@marquee/accounts';
import { SYSTEM_ACTOR } from '@marquee/audit';
import { CatalogService, demoItems } from '@marquee/catalog';
import { LaunchExecutor, ReleaseService, ReviewService } from '@marquee/launch';
import { SurfacesService } from '@marquee/placement';
import { APP_CONFIG, AppConfig } from '@marquee/platform-config';

export interface DemoCredentials {
  adminEmail: string;
  adminPassword: string | null;
  apiKey: string;
  items: number;
}

/**
 * The first start on an empty database creates a workspace to explore: an admin, a client API key and a sample
 * catalogue. It runs only when there are no users at all, so a second start (or a real workspace) gets nothing.
 */
@Injectable()
export class DemoWorkspace {
  private readonly logger = new Logger('Demo');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accounts: AccountsService,
    private readonly catalog: CatalogService,
    private readonly reviews: ReviewService,
    private readonly releases: ReleaseService,
    private readonly executor: LaunchExecutor,
    private readonly surfaces: SurfacesService,
  ) {}

  async isEmpty(): Promise<boolean> {
    const [{ n }] = await this.db.query('SELECT count(*)::int AS n FROM users');
    return n === 0;
  }

  async create(): Promise<DemoCredentials | null> {
    const actor = SYSTEM_ACTOR('setup');
    // An advisory lock keeps two processes starting at once from both seeding.
    const created = await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(727272)');
      const [{ n }] = await tx.query('SELECT count(*)::int AS n FROM users');
      if (n > 0) return null;
      const admin = await this.accounts.createUser(
        actor,
        { email: this.config.adminEmail ?? 'admin@marquee.local', displayName: 'Demo Admin', role: 'admin', password: this.config.adminPassword ?? null },
        tx,
      );
      const key = await this.accounts.createApiKey(actor, 'Demo client app', tx);
      return { adminEmail: admin.user.email, adminPassword: admin.temporaryPassword, apiKey: key.secret };
    });
    if (!created) return null;
    const ids = new Map<string, string>();
    for (const input of demoItems(this.config.publicUrl)) {
      const { item } = await this.catalog.createItem(actor, input);
      ids.set(item.slug, item.id);
    }
    // A workspace mid-flight: most items live, two waiting for review, one draft, and a release coming up.
    const inReview = ['lo-fi-study', 'talking-to-kids-about-feelings'];
    const draft = ['forest-morning'];
    const upcoming = ['tea-house-in-kyoto', 'northern-lights'];
    for (const [slug, id] of ids) {
      if (draft.includes(slug)) continue;
      await this.reviews.submit(actor, id);
      if (!inReview.includes(slug)) await this.reviews.approve(actor, id, 1, 'Demo content');
    }
    const launch = await this.releases.create(actor, { name: 'Demo catalogue', description: 'Everything the demo workspace starts with.' });
    for (const [slug, id] of ids) if (![...inReview, ...draft, ...upcoming].includes(slug)) await this.releases.addItem(actor, launch.id, id, 'publish');
    const scheduled = await this.releases.launchNow(actor, launch.id);
    const outcome = await this.executor.execute(scheduled.id, scheduled.scheduleRevision);
    if (outcome.outcome !== 'launched') throw new Error(`The demo release did not launch (${JSON.stringify(outcome)}). Drop the database and start again.`);

    // Surfaces come after the first launch: the catalogue they start with is the established baseline, and items
    // launched from now on enter content tests.
    const pick = (...slugs: string[]) => slugs.map((s) => ids.get(s)!).filter(Boolean);
    await this.surfaces.create(actor, {
      key: 'home',
      name: 'Home feed',
      description: 'The first screen: a mix of everything.',
      slots: 12,
      successEvent: 'PLAY_START',
      diversity: { maxPerKind: 3, maxPerTopic: null, firstN: 6 },
    });
    await this.surfaces.setFallbackOrder(
      actor,
      'home',
      pick('evening-calm', 'the-night-train', 'box-breathing', 'deep-focus-piano', 'science-of-sleep', 'morning-light', 'rain-on-canvas', 'breath-basics'),
    );
    await this.surfaces.create(actor, {
      key: 'sleep',
      name: 'Sleep tab',
      description: 'Sleep stories, soundscapes and wind-down practice.',
      slots: 8,
      successEvent: 'COMPLETE',
      candidateRule: { kinds: [], topics: ['sleep'], collections: [] },
    });
    await this.surfaces.setFallbackOrder(actor, 'sleep', pick('the-night-train', 'rain-on-canvas', 'lighthouse-keeper', 'evening-calm', 'brown-noise'));

    const next = await this.releases.create(actor, { name: 'Winter sleep stories', description: 'Two new sleep stories for the dark evenings.' });
    for (const slug of upcoming) await this.releases.addItem(actor, next.id, ids.get(slug)!, 'publish');
    const day = new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10);
    await this.releases.schedule(actor, next.id, { localDateTime: `${day}T09:00`, timeZone: 'Europe/Amsterdam' });
    this.logger.log(`Demo workspace created: ${ids.size} items, ${outcome.changes} live, release "${next.name}" scheduled for ${day} 09:00 Europe/Amsterdam.`);
    return { ...created, items: ids.size };
  }
}
