import { demoItems } from './demo-items';
import { ownDemoMedia } from './demo-media';

describe('ownDemoMedia', () => {
  const base = 'http://localhost:3000';

  it('recognises every media URL of the demo workspace, with the type the controller serves', () => {
    const media = demoItems(base).map((i) => i.media as { audioUrl: string | null; artworkUrl: string | null });
    const urls = media.flatMap((m) => [m.audioUrl, m.artworkUrl]).filter((u): u is string => !!u);
    expect(urls.length).toBeGreaterThan(30);
    for (const u of urls) expect([u, ownDemoMedia(u, base)]).toEqual([u, { contentType: u.endsWith('.wav') ? 'audio/wav' : 'image/svg+xml' }]);
  });

  it('answers a 404 for a file the controller would not serve', () => {
    for (const u of [
      `${base}/demo-media/audio/x.mp3`,
      `${base}/demo-media/video/x.wav`,
      `${base}/demo-media/audio/a/b.wav`,
      `${base}/demo-media/audio/%E0%A4%A.wav`,
    ]) {
      expect([u, ownDemoMedia(u, base)]).toEqual([u, { contentType: null }]);
    }
  });

  it('leaves every other URL to the network check: other origins, ports, schemes, paths and look-alikes', () => {
    for (const u of [
      'http://10.0.0.1:3000/demo-media/audio/x.wav',
      'http://127.0.0.2:3000/demo-media/audio/x.wav',
      'http://127.0.0.1:3001/demo-media/audio/x.wav',
      'http://localhost:3001/demo-media/audio/x.wav',
      'https://localhost:3000/demo-media/audio/x.wav',
      'http://localhost:3000/metrics',
      'http://localhost:3000/demo-media/../metrics',
      'http://localhost:3000/other/demo-media/audio/x.wav',
      'http://user:pw@localhost:3000/demo-media/audio/x.wav',
      'not a url',
    ]) {
      expect([u, ownDemoMedia(u, base)]).toEqual([u, undefined]);
    }
  });

  it('treats the loopback names of a local PUBLIC_URL as one origin (a client writing 127.0.0.1 for localhost)', () => {
    for (const u of ['http://127.0.0.1:3000/demo-media/audio/x.wav', 'http://[::1]:3000/demo-media/artwork/x.svg'])
      expect([u, ownDemoMedia(u, base)]).not.toEqual([u, undefined]);
    expect(ownDemoMedia('http://localhost:3000/demo-media/audio/x.wav', 'http://127.0.0.1:3000')).toEqual({ contentType: 'audio/wav' });
    expect(ownDemoMedia('http://127.0.0.1:3000/demo-media/audio/x.wav', 'https://cms.example.com')).toBeUndefined();
  });

  it('honours a PUBLIC_URL with a path', () => {
    expect(ownDemoMedia('https://cms.example.com/marquee/demo-media/artwork/calm.svg', 'https://cms.example.com/marquee')).toEqual({
      contentType: 'image/svg+xml',
    });
    expect(ownDemoMedia('https://cms.example.com/demo-media/artwork/calm.svg', 'https://cms.example.com/marquee')).toBeUndefined();
  });
});
