import { hostname, networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { endpointUrlProblem } from '../src/endpoint-url.js';

describe('endpointUrlProblem', () => {
  const loopback = { host: '127.0.0.1', port: 3000 };

  it('takes http(s) URLs of other hosts, and other ports of this one', () => {
    for (const url of [
      'https://rv3.example/hooks',
      'http://rv3.example:3000/hooks',
      'http://127.0.0.1:3001/hooks',
      'http://localhost/hooks',
      'https://127.0.0.1/hooks',
    ])
      expect(endpointUrlProblem(url, loopback), url).toBeUndefined();
  });

  it('refuses other schemes, credentials and relative or overlong URLs', () => {
    expect(endpointUrlProblem('ftp://rv3.example/', loopback)).toMatch(/http or https/);
    expect(endpointUrlProblem('file:///etc/passwd', loopback)).toMatch(/http or https/);
    expect(endpointUrlProblem('/hooks', loopback)).toMatch(/absolute/);
    expect(endpointUrlProblem('https://a:b@rv3.example/', loopback)).toMatch(/credentials/);
    expect(endpointUrlProblem(`https://rv3.example/${'x'.repeat(2048)}`, loopback)).toMatch(/2048/);
  });

  it('refuses ghl-bridge itself under every loopback spelling when it listens on loopback', () => {
    for (const host of [
      '127.0.0.1',
      'localhost',
      'LocalHost.',
      'app.localhost',
      '127.0.0.2',
      '2130706433',
      '0x7f000001',
      '0177.0.0.1',
      '[::1]',
      '[0:0:0:0:0:0:0:1]',
      '[::ffff:127.0.0.1]',
      '0.0.0.0',
      '[::]',
    ])
      expect(endpointUrlProblem(`http://${host}:3000/x`, loopback), host).toMatch(/ghl-bridge itself/);
    // The default port of the scheme counts as the port.
    expect(endpointUrlProblem('http://localhost/x', { host: 'localhost', port: 80 })).toMatch(/itself/);
  });

  it('bound to one address, only that address is itself; bound to all, so are this machine’s names', () => {
    const lan = { host: '10.1.2.3', port: 3000 };
    expect(endpointUrlProblem('http://10.1.2.3:3000/', lan)).toMatch(/itself/);
    expect(endpointUrlProblem('http://127.0.0.1:3000/', lan)).toBeUndefined();
    const everywhere = { host: '0.0.0.0', port: 3000 };
    const own = Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .map((i) => (i.family === 'IPv6' ? `[${i.address.split('%')[0]}]` : i.address));
    for (const host of [hostname(), '127.0.0.1', 'localhost', ...own])
      expect(endpointUrlProblem(`http://${host}:3000/`, everywhere), host).toMatch(/itself/);
    expect(endpointUrlProblem('http://rv3.example:3000/', everywhere)).toBeUndefined();
  });
});
