import { OutboundHttp, OutboundRefusedError, REFUSED_MESSAGE, describeOutboundFailure } from '@marquee/platform-outbound';
import { stopwatch } from '@marquee/platform-core';

export interface AssetProbe {
  status: 'ok' | 'unreachable';
  httpStatus: number | null;
  contentType: string | null;
  error: string | null;
  latencyMs: number;
}

/** Redirects a media URL may take (a CDN's signed URL, http to https): each hop is checked at connect time again. */
const MAX_ASSET_REDIRECTS = 5;

/**
 * Asks a media URL whether it is there: HEAD first, then a one-byte ranged GET for servers that refuse HEAD.
 * Any 2xx (after redirects) counts as reachable. Requests go through OutboundHttp, so an internal address is refused
 * before it is touched, with one message whatever the port would have done.
 */
export async function probeUrl(url: string, timeoutMs: number, http: OutboundHttp): Promise<AssetProbe> {
  const elapsed = stopwatch();
  const attempt = async (method: 'HEAD' | 'GET') =>
    http.request(url, {
      method,
      timeoutMs,
      maxRedirects: MAX_ASSET_REDIRECTS,
      headers: method === 'GET' ? { range: 'bytes=0-0', 'user-agent': 'Marquee asset check' } : { 'user-agent': 'Marquee asset check' },
    });
  try {
    let res = await attempt('HEAD');
    if (res.status === 405 || res.status === 501 || res.status === 403) {
      await res.body?.cancel().catch(() => undefined);
      res = await attempt('GET');
    }
    await res.body?.cancel().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return {
      status: ok ? 'ok' : 'unreachable',
      httpStatus: res.status,
      contentType: res.headers.get('content-type'),
      error: ok ? null : `The server answered HTTP ${res.status}. Check the URL, or upload the file again.`,
      latencyMs: Math.round(elapsed()),
    };
  } catch (e) {
    if (e instanceof OutboundRefusedError) {
      // Same answer, no status, no timing, whatever is (or is not) listening there: no port scanner.
      return { status: 'unreachable', httpStatus: null, contentType: null, error: REFUSED_MESSAGE, latencyMs: 0 };
    }
    const reason = describeOutboundFailure(e, `No answer within ${timeoutMs} ms. Check that the host is up, or raise ASSET_CHECK_TIMEOUT_MS.`);
    return { status: 'unreachable', httpStatus: null, contentType: null, error: reason, latencyMs: Math.round(elapsed()) };
  }
}
