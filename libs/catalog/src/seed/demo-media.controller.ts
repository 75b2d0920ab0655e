import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Allow, Who } from '@marquee/platform-auth';
import { hashString } from '@marquee/platform-core';
import { demoMediaContentType } from './demo-media';

/**
 * Media for the demo workspace, served by Marquee itself so the demo plays on a machine with no internet. Real content
 * points at a CDN. The asset check verifies these URLs in-process (see demo-media.ts): the API is on an internal
 * address, which outbound requests refuse.
 */
@Controller('demo-media')
export class DemoMediaController {
  @Get('artwork/:file')
  @Allow(...Who.anyone)
  @Header('cache-control', 'public, max-age=86400')
  artwork(@Param('file') file: string, @Res() res: Response) {
    if (!demoMediaContentType('artwork', file)) return res.status(404).end();
    const slug = file.replace(/\.svg$/, '');
    const h = hashString(slug);
    const hue = h % 360;
    const hue2 = (hue + 40 + ((h >> 9) % 80)) % 360;
    const words = slug.split('-').map((w) => w[0].toUpperCase() + w.slice(1));
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600" viewBox="0 0 600 600">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},55%,38%)"/><stop offset="1" stop-color="hsl(${hue2},60%,18%)"/></linearGradient></defs>
<rect width="600" height="600" fill="url(#g)"/><circle cx="${150 + (h % 300)}" cy="${140 + ((h >> 5) % 200)}" r="${90 + (h % 70)}" fill="hsl(${hue},70%,80%)" opacity="0.18"/>
<text x="40" y="540" font-family="Georgia, serif" font-size="44" fill="#fff">${words.slice(0, 3).join(' ')}</text></svg>`;
    res.type('image/svg+xml').send(svg);
  }

  @Get('audio/:file')
  @Allow(...Who.anyone)
  @Header('cache-control', 'public, max-age=86400')
  audio(@Param('file') file: string, @Res() res: Response) {
    if (!demoMediaContentType('audio', file)) return res.status(404).end();
    res.type('audio/wav').send(silentWav(1));
  }
}

/** A valid one-second mono 8 kHz WAV of silence. */
function silentWav(seconds: number): Buffer {
  const rate = 8000;
  const samples = rate * seconds;
  const b = Buffer.alloc(44 + samples);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + samples, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate, 28);
  b.writeUInt16LE(1, 32);
  b.writeUInt16LE(8, 34);
  b.write('data', 36);
  b.writeUInt32LE(samples, 40);
  b.fill(128, 44);
  return b;
}
