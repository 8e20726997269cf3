// fetch_url and private network addresses (loopback, LAN, link-local, cloud metadata): asked about even when
// fetches are allowed, refused where nobody can be asked, and checked again at every redirect.
import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApprovalBroker, type ApprovalPrompt } from '../../../src/agent/approvalBroker';
import { defaultApprovalPolicy } from '../../../src/agent/approvals';
import { Scheduler, type SchedulerOptions } from '../../../src/agent/scheduler';
import { toolRegistry } from '../../../src/tools/tool';
import { fetchUrlTool, type PrivateNetworkOptions } from '../../../src/tools/web/fetchUrl';
import { isPrivateAddress, privateAddressOf } from '../../../src/tools/web/privateAddress';
import { call, runBatch, testContext } from '../../fakes/fakeTools';

describe('private network addresses', () => {
  it('knows loopback, private, link-local and unique-local addresses, in every spelling, from public ones', () => {
    const privates = ['127.0.0.1', '127.9.9.9', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'febf::1', 'fe80::1%eth0', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe'];
    const publics = ['8.8.8.8', '172.15.0.1', '172.32.0.1', '192.169.0.1', '169.253.1.1', '11.0.0.1', '2001:db8::1', '2606:4700::1111', '::ffff:8.8.8.8', '::2', 'example.com', ''];
    assert.deepEqual(privates.filter((a) => !isPrivateAddress(a)), []);
    assert.deepEqual(publics.filter((a) => isPrivateAddress(a)), []);
  });

  it('resolves a host name to all its addresses: one private address among public ones is enough', async () => {
    const dns: Record<string, string[]> = { 'docs.example': ['93.184.216.34'], 'mixed.example': ['93.184.216.34', '10.1.2.3'], 'v6.example': ['2606:4700::1111', 'fd00::5'] };
    const resolve = async (host: string) => dns[host] ?? [];
    assert.equal(await privateAddressOf(new URL('https://docs.example/a'), resolve), undefined);
    assert.equal(await privateAddressOf(new URL('https://mixed.example/a'), resolve), '10.1.2.3');
    assert.equal(await privateAddressOf(new URL('https://v6.example/a'), resolve), 'fd00::5');
    // Addresses in the URL are judged without DNS, in the forms the URL parser turns them into.
    const never = async (): Promise<string[]> => assert.fail('no lookup for an address');
    for (const [url, address] of [['http://2130706433/', '127.0.0.1'], ['http://0x7f.1/', '127.0.0.1'], ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'], ['http://[::1]:3000/', '::1'], ['http://169.254.169.254/latest/meta-data/', '169.254.169.254']]) {
      assert.equal(await privateAddressOf(new URL(url), never), address, url);
    }
    assert.equal(await privateAddressOf(new URL('file:///etc/passwd'), never), undefined, 'no host, no lookup');
  });
});

describe('fetch_url to a private network address', () => {
  let server: http.Server;
  let base = '';
  const asked: string[] = [];
  const limits = { timeoutMs: 60_000, maxBytes: 64 * 1024, maxRedirects: 5 };

  beforeEach(async () => {
    asked.length = 0;
    server = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      if (req.url === '/to-metadata') res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      else if (req.url === '/to-lan') res.writeHead(302, { location: 'http://10.0.0.1/admin' }).end();
      else if (req.url === '/to-self') res.writeHead(302, { location: '/ok' }).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('local answer');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  async function fetchWith(url: string, network: PrivateNetworkOptions = {}, options: Partial<SchedulerOptions> = {}) {
    const scheduler = new Scheduler({ tools: toolRegistry([fetchUrlTool(limits, network)]), context: testContext(), ...options });
    return runBatch(scheduler, [call('f1', 'fetch_url', { url })]);
  }

  /** An approval gate with fanout.approval.network set to allow ("auto"): the prompts it shows, answered by `answer`. */
  function gate(answer: (p: ApprovalPrompt) => boolean) {
    const prompts: ApprovalPrompt[] = [];
    const broker: ApprovalBroker = new ApprovalBroker({
      policy: () => ({ ...defaultApprovalPolicy, network: 'auto' }),
      show: (p) => {
        prompts.push(p);
        queueMicrotask(() => broker.respond(p.requestId, [{ id: 'f1', allowed: answer(p) }]));
      },
      close() {},
    });
    return { prompts, approvals: broker };
  }

  it('where nobody can be asked (the CLI without network-private, VS Code language-model tools), refuses it without a request', async () => {
    const { results } = await fetchWith(`${base}/ok`);
    assert.equal(results[0]!.content, `Error (not_allowed): ${new URL(base).host} is a private network address (loopback, LAN, link-local or cloud metadata): fetch_url fetches those only with the user's approval, and this call had none.`);
    assert.deepEqual(asked, []);
  });

  it('asks even when fanout.approval.network allows fetches, saying why; fetches only after Allow', async () => {
    const denied = gate(() => false);
    const no = await fetchWith(`${base}/ok`, {}, { approvals: denied.approvals });
    assert.equal(denied.prompts.length, 1);
    assert.equal(denied.prompts[0]!.calls[0]!.because, `${new URL(base).host} is a private network address`);
    assert.equal(no.results[0]!.content, 'Error (denied): Denied by the user.');
    assert.deepEqual(asked, [], 'nothing was fetched before the answer, nor after a denial');

    const allowed = gate(() => true);
    const yes = await fetchWith(`${base}/to-self`, {}, { approvals: allowed.approvals });
    assert.equal(allowed.prompts.length, 1);
    assert.match(yes.results[0]!.content, /\n\nlocal answer$/, 'and the approved host may redirect within itself');
    assert.deepEqual(asked, ['/to-self', '/ok']);
  });

  it('does not follow a redirect from a public page to the cloud metadata address, asked or not', async () => {
    // The test server stands in for a public site: its address is taken as public; every other host is judged as is.
    const publicServer = (url: URL) => (url.hostname === '127.0.0.1' ? Promise.resolve(undefined) : privateAddressOf(url));
    const allowing = gate(() => true);
    const { results } = await fetchWith(`${base}/to-metadata`, { privateAddress: publicServer }, { approvals: allowing.approvals });
    assert.equal(allowing.prompts.length, 0, 'a public URL with network allowed is not asked about');
    assert.equal(
      results[0]!.content,
      `Error (not_allowed): ${base}/to-metadata redirected to http://169.254.169.254/latest/meta-data/, but 169.254.169.254 is a private network address (loopback, LAN, link-local or cloud metadata): the redirect was not followed. If that page is really wanted, fetch it directly (the user is asked first).`,
    );
    assert.deepEqual(asked, ['/to-metadata']);
  });

  it('a yes for one private host does not cover a redirect to another one', async () => {
    const allowing = gate(() => true);
    const { results } = await fetchWith(`${base}/to-lan`, {}, { approvals: allowing.approvals });
    assert.equal(allowing.prompts.length, 1);
    assert.match(results[0]!.content, /^Error \(not_allowed\): .*\/to-lan redirected to http:\/\/10\.0\.0\.1\/admin, but 10\.0\.0\.1 is a private network address .*the redirect was not followed\./);
    assert.deepEqual(asked, ['/to-lan']);
  });

  it('with the explicit allowance (--allow network-private) fetches private addresses without asking', async () => {
    const allowing = gate(() => false);
    const { results } = await fetchWith(`${base}/to-self`, { allowPrivate: true }, { approvals: allowing.approvals });
    assert.match(results[0]!.content, /\n\nlocal answer$/);
    assert.equal(allowing.prompts.length, 0);
  });
});
