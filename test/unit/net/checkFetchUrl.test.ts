import { describe, expect, it } from 'vitest';
import { checkFetchUrl, originOf, precheckFetchUrl } from '../../../src/core/net/checkFetchUrl.js';
import { FetchRefusedError } from '../../../src/core/net/FetchRefusedError.js';

function refusal(location: string, base?: URL): FetchRefusedError {
  try {
    checkFetchUrl(location, base);
  } catch (error) {
    expect(error).toBeInstanceOf(FetchRefusedError);
    return error as FetchRefusedError;
  }
  throw new Error(`expected ${location} to be refused`);
}

describe('checkFetchUrl', () => {
  it.each(['file:///etc/passwd', 'ftp://127.0.0.1/a.png', 'data:image/png;base64,iVBORw0KGgo=', 'javascript:alert(1)', 'gopher://x.example/'])(
    'refuses the scheme of %s',
    (url) => {
      expect(refusal(url)).toMatchObject({ code: 'fetch_refused', reason: 'not_http', message: 'The image link is not an http(s) link.' });
    },
  );

  it.each(['https://user:pass@images.example/a.png', 'https://user@images.example/a.png', 'http://:secret@images.example/a.png'])(
    'refuses user info in %s',
    (url) => {
      const error = refusal(url);
      expect(error).toMatchObject({ reason: 'user_info', message: 'The image link carries a user name or password, which the bot does not use.' });
      // The reason is what a person reads: it never quotes the link or its secret.
      expect(error.message).not.toMatch(/:pass|secret|images\.example/);
    },
  );

  it('refuses what is not a URL, and user info or schemes reached through a relative redirect', () => {
    expect(refusal('not a url').reason).toBe('invalid_url');
    expect(refusal('//user:pw@other.example/a.png', new URL('https://cdn.example/x')).reason).toBe('user_info');
    expect(refusal('file:/etc/passwd', new URL('https://cdn.example/x')).reason).toBe('not_http');
  });

  it('accepts http(s) and resolves a redirect against the current URL', () => {
    expect(checkFetchUrl('https://cdn.example/a.png').href).toBe('https://cdn.example/a.png');
    expect(checkFetchUrl('/b.png', new URL('http://cdn.example:8080/a/a.png')).href).toBe('http://cdn.example:8080/b.png');
  });

  // The URL parser turns every numeric spelling into the dotted form the connect check sees.
  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f.0.0.1/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://017700000001/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
  ])('normalises %s to the host %s', (url, host) => {
    expect(checkFetchUrl(url).hostname).toBe(host);
  });
});

describe('precheckFetchUrl', () => {
  const allowed = new Set(['http://127.0.0.1:8080', 'http://localhost:9000']);
  const reason = (url: string): string | undefined => {
    try {
      precheckFetchUrl(url, allowed);
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(FetchRefusedError);
      return (error as FetchRefusedError).reason;
    }
  };

  it.each([
    'http://127.0.0.1:8081/a.png',
    'http://2130706433/a.png',
    'http://0x7f.0.0.1/a.png',
    'http://0177.0.0.1/a.png',
    'http://[::ffff:127.0.0.1]/a.png',
    'http://[::1]/a.png',
    'http://[fd00::1]/a.png',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/a.png',
    'http://0.0.0.0/a.png',
    'http://224.0.0.1/a.png',
    'http://localhost/a.png',
    'http://LOCALHOST.:8080/a.png',
    'http://api.localhost/a.png',
  ])('refuses the local address literal or name in %s', (url) => {
    expect(reason(url)).toBe('private_address');
  });

  it('lets the allowed origins through, by exact scheme, host and port', () => {
    expect(reason('http://127.0.0.1:8080/a.png')).toBeUndefined();
    expect(reason('http://localhost:9000/a.png')).toBeUndefined();
    expect(reason('https://127.0.0.1:8080/a.png')).toBe('private_address');
  });

  it('leaves names to the connect-time check, and still refuses schemes and user info', () => {
    expect(reason('https://images.example/a.png')).toBeUndefined();
    expect(reason('http://8.8.8.8/a.png')).toBeUndefined();
    expect(reason('http://user:pw@127.0.0.1:8080/a.png')).toBe('user_info');
    expect(reason('file:///etc/passwd')).toBe('not_http');
  });
});

describe('originOf', () => {
  it('keeps scheme, host and a non-default port', () => {
    expect(originOf('http://127.0.0.1:8080/a?b')).toBe('http://127.0.0.1:8080');
    expect(originOf('https://cdn.discordapp.com:443/x')).toBe('https://cdn.discordapp.com');
    expect(originOf('HTTPS://CDN.Example/x')).toBe('https://cdn.example');
    expect(originOf('file:///etc/passwd')).toBeUndefined();
    expect(originOf('nope')).toBeUndefined();
  });
});
