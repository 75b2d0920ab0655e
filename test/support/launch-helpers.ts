import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { ApiHandle, Credentials, gql } from './stack';
import { pollUntil } from './wait';

/** A media host on loopback for items' asset checks: paths under /ok/ answer 200, anything else 404. */
export async function startMediaServer(): Promise<{ base: string; close(): void }> {
  const server = createServer((req, res) => res.writeHead(req.url?.startsWith('/ok/') ? 200 : 404).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Steps of the editorial workflow over the real API, for tests that need approved items to launch. */
export function meditationInput(slug: string, overrides: Record<string, unknown> = {}) {
  return {
    slug,
    kind: 'meditation',
    defaultLocale: 'en',
    locales: ['en', 'de'],
    localized: [
      { locale: 'en', title: `T ${slug}`, description: 'A calm practice.' },
      { locale: 'de', title: `T ${slug} (de)`, description: 'Eine ruhige Übung.' },
    ],
    durationSeconds: 600,
    media: { audioUrl: null, videoUrl: null, artworkUrl: null },
    topics: ['sleep'],
    attributes: { narrator: 'Ana' },
    ...overrides,
  };
}

export async function must<T>(p: Promise<{ data: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] }>): Promise<T> {
  const r = await p;
  if (r.errors?.length || !r.data) throw new Error(`GraphQL error: ${JSON.stringify(r.errors)}`);
  return r.data;
}

export class Workflow {
  constructor(
    private readonly api: ApiHandle,
    private readonly editor: Credentials,
    private readonly reviewer: Credentials,
  ) {}

  async createItem(slug: string, mediaBase: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const input = meditationInput(slug, { media: { audioUrl: `${mediaBase}/ok/${slug}.mp3`, artworkUrl: `${mediaBase}/ok/${slug}.jpg` }, ...overrides });
    const d = await must(
      gql<{ createItem: { id: string } }>(this.api.url, 'mutation($i: ItemInput!) { createItem(input: $i) { id } }', { i: input }, this.editor),
    );
    return d.createItem.id;
  }

  async save(id: string, slug: string, mediaBase: string, overrides: Record<string, unknown> = {}): Promise<number> {
    const input = meditationInput(slug, { media: { audioUrl: `${mediaBase}/ok/${slug}.mp3`, artworkUrl: `${mediaBase}/ok/${slug}.jpg` }, ...overrides });
    const d = await must(
      gql<{ updateItem: { latestVersionNumber: number } }>(
        this.api.url,
        'mutation($id: ID!, $i: ItemInput!) { updateItem(id: $id, input: $i) { latestVersionNumber } }',
        { id, i: input },
        this.editor,
      ),
    );
    return d.updateItem.latestVersionNumber;
  }

  async approveLatest(id: string): Promise<number> {
    const s = await must(
      gql<{ submitForReview: { latestVersionNumber: number } }>(
        this.api.url,
        'mutation($id: ID!) { submitForReview(itemId: $id) { latestVersionNumber } }',
        { id },
        this.editor,
      ),
    );
    const n = s.submitForReview.latestVersionNumber;
    await must(
      gql(this.api.url, 'mutation($id: ID!, $n: Int!) { approveVersion(itemId: $id, versionNumber: $n, comment: "ok") { state } }', { id, n }, this.reviewer),
    );
    return n;
  }

  async release(name: string, itemIds: string[], action = 'PUBLISH'): Promise<string> {
    const r = await must(
      gql<{ createRelease: { id: string } }>(this.api.url, 'mutation($n: String!) { createRelease(input: {name: $n}) { id } }', { n: name }, this.editor),
    );
    for (const itemId of itemIds) {
      await must(
        gql(
          this.api.url,
          'mutation($r: ID!, $i: ID!, $a: ReleaseActionKind!) { addToRelease(releaseId: $r, itemId: $i, action: $a) { id } }',
          { r: r.createRelease.id, i: itemId, a: action },
          this.editor,
        ),
      );
    }
    return r.createRelease.id;
  }

  /** Schedules `secondsAhead` from now, expressed as wall-clock time in `zone`. */
  async scheduleIn(releaseId: string, secondsAhead: number, zone = 'UTC'): Promise<{ scheduledAt: string }> {
    // Rounded up to the whole second the local time can express, so the instant is never closer than asked.
    const at = new Date(Math.ceil((Date.now() + secondsAhead * 1000) / 1000) * 1000);
    const local = new Intl.DateTimeFormat('sv-SE', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .format(at)
      .replace(' ', 'T');
    const d = await must(
      gql<{ scheduleRelease: { scheduledAt: string } }>(
        this.api.url,
        'mutation($id: ID!, $l: String!, $z: String!) { scheduleRelease(id: $id, input: {localDateTime: $l, timeZone: $z}) { scheduledAt } }',
        { id: releaseId, l: local, z: zone },
        this.editor,
      ),
    );
    return d.scheduleRelease;
  }

  async releaseState(id: string) {
    const d = await must(
      gql<{
        release: {
          status: string;
          scheduledAt: string;
          launchedAt: string | null;
          latenessMs: number | null;
          failureReasons: { code: string; message: string }[] | null;
          events: { kind: string; message: string }[];
        };
      }>(
        this.api.url,
        'query($id: ID!) { release(id: $id) { status scheduledAt launchedAt latenessMs failureReasons { code message } events { kind message } } }',
        { id },
        this.editor,
      ),
    );
    return d.release;
  }

  async waitFor(id: string, statuses: string[], timeoutMs = 20000) {
    return pollUntil(
      () => this.releaseState(id),
      (s) => statuses.includes(s.status),
      { what: `release ${id} to be ${statuses.join(' or ')}`, timeoutMs },
    );
  }
}
